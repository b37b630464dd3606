"""Activities of the greeting example; replay never runs them, recording does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from temporalio import activity


@dataclass(frozen=True)
class GreetingRequest:
    user_id: str


@dataclass(frozen=True)
class Profile:
    user_id: str
    name: str
    email: str
    phone: str


@dataclass(frozen=True)
class Message:
    to: str
    text: str


@dataclass(frozen=True)
class Delivery:
    user_id: str
    channel: str


@activity.defn
async def fetch_profile(user_id: str) -> Profile:
    # A fixed directory keeps recordings identical from one run to the next.
    name = user_id.split("-")[0].capitalize()
    return Profile(user_id, name, f"{user_id}@example.com", "+1-555-0100")


@activity.defn
async def compose_greeting(profile: Profile) -> str:
    return f"Hello, {profile.name}! Welcome aboard."


@activity.defn
async def render_template(profile: Profile) -> str:
    return f"Hi {profile.name}, glad to have you."


@activity.defn
async def send_email(message: Message) -> str:
    activity.logger.info("email to %s: %s", message.to, message.text)
    return "email-queued"


@activity.defn
async def send_sms(message: Message) -> str:
    activity.logger.info("sms to %s: %s", message.to, message.text)
    return "sms-queued"


@activity.defn
async def record_delivery(delivery: Delivery) -> None:
    activity.logger.info("delivered to %s by %s", delivery.user_id, delivery.channel)


ALL_ACTIVITIES: list[Callable[..., Any]] = [
    fetch_profile,
    compose_greeting,
    render_template,
    send_email,
    send_sms,
    record_delivery,
]
