/**
 * The "Recent Replays" list: the last replays started, newest first, one entry per history.
 * Pure (no `vscode` import); stored by the caller in workspace state.
 */
import * as path from 'path';
import { fileURLToPath } from 'url';
import { RawConfiguration, withoutSecrets } from '../config/launchArguments';

export interface RecentReplay {
  /** The resolved launch configuration, secrets removed. */
  configuration: RawConfiguration;
  /** URI of the workspace folder it ran in, if any. */
  folder?: string;
  /** Epoch milliseconds of the start. */
  startedAt: number;
}

export const MAX_RECENT = 10;

/** The list with `replay` first, earlier replays of the same history dropped, capped. */
export function remember(list: readonly RecentReplay[], replay: RecentReplay,
                         max: number = MAX_RECENT): RecentReplay[] {
  const entry = { ...replay, configuration: withoutSecrets(replay.configuration) };
  return newestOnce([entry, ...list]).slice(0, max);
}

export function forget(list: readonly RecentReplay[], replay: RecentReplay): RecentReplay[] {
  const key = replayKey(replay);
  return list.filter((other) => replayKey(other) !== key);
}

/**
 * Newest first, each history once: the latest replay of a history stands for it (with its
 * workflow class and options), as the user sees one row per history file or workflow.
 */
export function newestOnce(list: readonly RecentReplay[]): RecentReplay[] {
  const seen = new Set<string>();
  return [...list].sort((a, b) => b.startedAt - a.startedAt).filter((entry) => {
    const key = replayKey(entry);
    const first = !seen.has(key);
    seen.add(key);
    return first;
  });
}

/**
 * Two replays are the same when they replay the same history: the same file (however the
 * launch spelled it: relative to its cwd or absolute), or the same workflow run on the same
 * server. Which workflow class replayed it is not part of it.
 */
export function replayKey(replay: RecentReplay): string {
  const c = replay.configuration;
  if (typeof c.historyFile === 'string' && c.historyFile !== '') {
    return JSON.stringify(['file', historyPath(c.historyFile, c.cwd, replay.folder)]);
  }
  return JSON.stringify(['workflow', ...['workflowId', 'runId', 'namespace', 'address']
    .map((key) => typeof c[key] === 'string' ? c[key] : '')]);
}

/** The history file's absolute, normalised path (as the adapter reads it: relative to cwd). */
function historyPath(file: string, cwd: unknown, folder: string | undefined): string {
  const base = typeof cwd === 'string' && cwd !== '' ? cwd : folderPath(folder);
  const absolute = base === undefined ? path.normalize(file) : path.resolve(base, file);
  return process.platform === 'win32' ? absolute.toLowerCase() : absolute;
}

function folderPath(folder: string | undefined): string | undefined {
  if (folder?.startsWith('file:') !== true) {
    return undefined;
  }
  try {
    return fileURLToPath(folder);
  } catch {
    return undefined;
  }
}

/** `history.json` or `order-1001`, as the list shows it. */
export function replayLabel(replay: RecentReplay): string {
  const c = replay.configuration;
  if (typeof c.historyFile === 'string') {
    return c.historyFile.split(/[\\/]/).slice(-2).join('/');
  }
  const run = typeof c.runId === 'string' ? ` (${c.runId.slice(0, 8)})` : '';
  return `${String(c.workflowId)}${run}`;
}

/** The workflow class, when one was chosen, and how long ago the replay ran. */
export function replayDescription(replay: RecentReplay, now: number): string {
  const workflow = typeof replay.configuration.workflow === 'string'
    ? replay.configuration.workflow.split(':').pop() ?? '' : '';
  return [workflow, ago(now - replay.startedAt)].filter((part) => part !== '').join(' · ');
}

function ago(milliseconds: number): string {
  const minutes = Math.floor(milliseconds / 60_000);
  if (minutes < 1) {
    return 'just now';
  }
  if (minutes < 60) {
    return `${minutes} min ago`;
  }
  const hours = Math.floor(minutes / 60);
  return hours < 24 ? `${hours} h ago` : `${Math.floor(hours / 24)} d ago`;
}

/** Entries read back from storage that still have the expected shape. */
export function validEntries(stored: unknown): RecentReplay[] {
  if (!Array.isArray(stored)) {
    return [];
  }
  return stored.filter((item): item is RecentReplay => typeof item === 'object' && item !== null
    && typeof (item as RecentReplay).configuration === 'object'
    && typeof (item as RecentReplay).startedAt === 'number');
}
