"""A project whose worker needs an SDK plugin: encrypted payloads and a context interceptor."""
