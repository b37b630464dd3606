/**
 * Which replay session the history view belongs to, and what it shows of it. Pure (no
 * `vscode` import): {@link HistorySession} feeds it VS Code's events, mocha tests it.
 *
 * The view shows one session: the one started last, or the one the user makes active. A
 * new session clears it at once (its history comes when the adapter has mapped it), so the
 * previous session's workflow is never shown with the new session's stops. What the view
 * says besides the events: that the history is being loaded, that it could not be read, or
 * how the replay ended.
 */
import { CurrentEvent, History } from './historyModel';

/** What the view shows. */
export interface ViewState {
  history: History | null;
  current: CurrentEvent | null;
  /** A line above the tree when there is no current event (loading, an error, the end). */
  message: string | undefined;
}

interface Entry {
  history: History | null;
  current: CurrentEvent | null;
  message: string | undefined;
  running: boolean;
  /** Waiting for `temporal/history` (or for the adapter to say it may be asked). */
  loading: boolean;
}

const NOTHING: ViewState = { history: null, current: null, message: undefined };

export class SessionHistories {
  private readonly entries = new Map<string, Entry>();
  private shownId: string | undefined;

  /** A replay session starts: the view is its own from now on, empty until its history. */
  started(id: string, name: string): void {
    const previous = this.shownId === undefined ? undefined : this.entries.get(this.shownId);
    if (previous && !previous.running && this.shownId !== undefined) {
      this.entries.delete(this.shownId);  // ended, and no longer shown
    }
    this.entries.set(id, { history: null, current: null, running: true, loading: true,
      message: `Loading the history of "${name}"…` });
    this.shownId = id;
  }

  /** The adapter answered `temporal/history`. */
  historyArrived(id: string, history: History): void {
    const entry = this.entries.get(id);
    if (entry) {
      entry.history = history;
      entry.message = undefined;
      entry.loading = false;
    }
  }

  /** `temporal/history` failed: the launch failed (it said why) or the session ended. */
  historyFailed(id: string, reason: string): void {
    const entry = this.entries.get(id);
    if (reason === 'Canceled') {
      return;  // VS Code dropped the request as the session ended: its end says it
    }
    if (entry && !entry.history) {
      entry.message = `No history to show: ${reason}`;
      entry.loading = false;
    }
  }

  /** The replay stopped at a history event (`temporal/currentEvent`). */
  stoppedAt(id: string, current: CurrentEvent): void {
    const entry = this.entries.get(id);
    if (entry) {
      entry.current = current;
    }
  }

  /** The replay ran to its end (`temporal/replayEnded`): its summary replaces the stop. */
  replayEnded(id: string, summary: string): void {
    const entry = this.entries.get(id);
    if (entry) {
      entry.current = null;
      entry.message = summary;
    }
  }

  /**
   * The session ended. The view keeps its history (to toggle breakpoints for the next run)
   * and how it ended; a session not shown is forgotten.
   */
  terminated(id: string): void {
    const entry = this.entries.get(id);
    if (entry) {
      entry.current = null;
      entry.running = false;
      if (entry.loading) {  // it ended before its history could be asked for: a launch failed
        entry.message = 'No history to show: the replay did not start';
        entry.loading = false;
      }
    }
    if (id !== this.shownId) {
      this.entries.delete(id);
    }
  }

  /** The user made another session active (undefined: none); the view follows a replay. */
  follow(id: string | undefined): void {
    if (id !== undefined && this.entries.has(id)) {
      this.shownId = id;
    }
  }

  /** The session the view shows, if any. */
  shown(): string | undefined {
    return this.shownId;
  }

  isShown(id: string): boolean {
    return id === this.shownId;
  }

  view(): ViewState {
    const entry = this.shownId === undefined ? undefined : this.entries.get(this.shownId);
    return entry ? { history: entry.history, current: entry.current,
      message: entry.current ? undefined : entry.message } : NOTHING;
  }
}
