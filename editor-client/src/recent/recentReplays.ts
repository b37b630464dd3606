/**
 * The "Recent Replays" list: the last replays started, newest first, one entry per history.
 * Pure (no `vscode` import); stored by the caller in workspace state.
 */
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
  const key = replayKey(entry);
  return [entry, ...list.filter((other) => replayKey(other) !== key)].slice(0, max);
}

export function forget(list: readonly RecentReplay[], replay: RecentReplay): RecentReplay[] {
  const key = replayKey(replay);
  return list.filter((other) => replayKey(other) !== key);
}

/** Two replays are the same when they replay the same history with the same workflow. */
export function replayKey(replay: RecentReplay): string {
  const c = replay.configuration;
  return JSON.stringify([replay.folder ?? '', c.historyFile ?? '', c.workflowId ?? '',
    c.runId ?? '', c.workflow ?? '', c.cwd ?? '']);
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
