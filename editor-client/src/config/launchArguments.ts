/**
 * The launch arguments of a `temporal-replay` session: one typed structure, resolved once.
 *
 * It mirrors package.json's `configurationAttributes.launch` (a unit test keeps the two equal)
 * and, through it, the adapter's `replaydbg/dap/config.py` ATTRIBUTES (a pytest keeps those
 * equal). Pure: no `vscode` import, so mocha runs it directly.
 */

/** What the adapter accepts in `launch`; see package.json for each attribute's meaning. */
export interface LaunchArguments {
  historyFile?: string;
  workflowId?: string;
  runId?: string;
  namespace?: string;
  address?: string;
  apiKey?: string;
  tls?: boolean;
  tlsCaFile?: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  tlsServerName?: string;
  profile?: string;
  workflow?: string;
  python?: string | string[];
  cwd?: string;
  env?: Record<string, string>;
  justMyCode?: boolean;
  sandbox?: boolean;
  deadlockTimeout?: number;
  stopOnEntry?: boolean;
  dataConverter?: string;
  plugins?: string[];
  interceptors?: string[];
  workflowFailureExceptionTypes?: string[];
  passthroughModules?: string[];
  codecEndpoint?: string;
  codecAuth?: string;
}

/** The names of {@link LaunchArguments}, in package.json's order. */
export const LAUNCH_ATTRIBUTES: readonly (keyof LaunchArguments)[] = [
  'historyFile', 'workflowId', 'runId', 'namespace', 'address', 'apiKey', 'tls', 'tlsCaFile',
  'tlsCertFile', 'tlsKeyFile', 'tlsServerName', 'profile', 'workflow', 'python', 'cwd', 'env',
  'justMyCode', 'sandbox', 'deadlockTimeout', 'stopOnEntry', 'dataConverter', 'plugins', 'interceptors',
  'workflowFailureExceptionTypes', 'passthroughModules', 'codecEndpoint', 'codecAuth',
];

/** Keys VS Code itself puts in a debug configuration; the adapter ignores them too. */
const CLIENT_KEYS = new Set(['type', 'request', 'name', 'preLaunchTask', 'postDebugTask',
  'presentation', 'internalConsoleOptions', 'debugServer', 'noDebug', '__restart', 'console',
  '__sessionId', '__configurationTarget', '__parentId']);

export const DEBUG_TYPE = 'temporal-replay';

/** A debug configuration as VS Code hands it over: anything may be in it. */
export type RawConfiguration = Record<string, unknown>;

/** Defaults that come from the user's settings and secret storage, not from launch.json. */
export interface LaunchDefaults {
  /** The workspace folder the session runs in, if any. */
  folder?: string;
  address?: string;
  namespace?: string;
  profile?: string;
  /** From secret storage; only ever used for a replay of a workflow id. */
  apiKey?: string;
}

/** A configuration ready to launch, or what is wrong with it and how to fix it. */
export type Resolution =
  | { kind: 'ok'; configuration: RawConfiguration }
  | { kind: 'error'; message: string; fix: string };

/** What F5 launches when there is no launch.json: replay a history file, stop on entry. */
export function defaultConfiguration(): RawConfiguration {
  return { type: DEBUG_TYPE, request: 'launch', name: 'Replay a history file',
    historyFile: '${command:pickHistoryFile}', cwd: '${workspaceFolder}', stopOnEntry: true };
}

/** True for the empty configuration VS Code passes when there is no launch.json. */
export function isEmpty(configuration: RawConfiguration): boolean {
  return !configuration.type && !configuration.request && !configuration.name;
}

/**
 * Check a configuration and fill what the settings provide, before variables are substituted.
 *
 * Problems the adapter would reject anyway are caught here so the user gets them with a fix
 * in a notification rather than after the adapter started.
 */
export function resolveConfiguration(configuration: RawConfiguration,
                                     defaults: LaunchDefaults): Resolution {
  const unknown = Object.keys(configuration).filter(
    (key) => !CLIENT_KEYS.has(key) && !(LAUNCH_ATTRIBUTES as readonly string[]).includes(key));
  if (unknown.length > 0) {
    return { kind: 'error', message: `Unknown launch attribute ${unknown.map(quote).join(', ')}.`,
      fix: `Remove it from launch.json; known attributes: ${LAUNCH_ATTRIBUTES.join(', ')}.` };
  }
  const hasFile = present(configuration.historyFile);
  const hasId = present(configuration.workflowId);
  if (hasFile === hasId) {
    return { kind: 'error',
      message: hasFile ? 'A replay takes either "historyFile" or "workflowId", not both.'
        : 'A replay needs a "historyFile" or a "workflowId".',
      fix: 'Set historyFile to a saved history, or workflowId to fetch one from a server.' };
  }
  const resolved: RawConfiguration = { name: 'Temporal replay', ...configuration,
    type: DEBUG_TYPE, request: 'launch' };
  if (!present(resolved.cwd) && defaults.folder !== undefined) {
    resolved.cwd = defaults.folder;
  }
  if (hasId) {
    fillServerDefaults(resolved, defaults);
  }
  return { kind: 'ok', configuration: resolved };
}

function fillServerDefaults(resolved: RawConfiguration, defaults: LaunchDefaults): void {
  for (const key of ['address', 'namespace', 'profile', 'apiKey'] as const) {
    const value = defaults[key];
    if (!present(resolved[key]) && value !== undefined && value !== '') {
      resolved[key] = value;
    }
  }
}

/** The configuration without secrets, as it may be stored (recent sessions) or shown. */
export function withoutSecrets(configuration: RawConfiguration): RawConfiguration {
  return Object.fromEntries(Object.entries(configuration).filter(
    ([key]) => key !== 'apiKey' && !key.startsWith('__')));
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

function quote(text: string): string {
  return `"${text}"`;
}
