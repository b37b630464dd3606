/**
 * Feeds the history view from the replay sessions: the history (`temporal/history`, asked
 * for when the adapter says `initialized`; it answers once it has mapped the history), the
 * current event from every `temporal/currentEvent`, how the replay ended from
 * `temporal/replayEnded`. The view belongs to one session ({@link SessionHistories}): a new
 * replay clears it, and it follows the active replay session.
 *
 * A failed `temporal/history` is no news for a toast: it fails when the launch fails, and
 * VS Code shows the launch's own error; the view says it has no history instead.
 */
import * as vscode from 'vscode';
import { DEBUG_TYPE } from '../config/launchArguments';
import { CurrentEvent, History } from './historyModel';
import { HistoryView } from './historyView';
import { SessionHistories } from './sessionHistories';

interface AdapterMessage { type?: string; event?: string; body?: { threadId?: unknown } }

export class HistorySession implements vscode.Disposable {
  readonly sessions = new SessionHistories();
  /** The thread of each session's last stop: `temporal/nextEvent` continues that thread. */
  private readonly stoppedThreads = new Map<string, number>();
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly view: HistoryView) {
    this.disposables = [
      vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
        createDebugAdapterTracker: (session) => {
          this.sessions.started(session.id, session.name);
          this.show();
          return {
            onDidSendMessage: (message: AdapterMessage) => { this.heard(session, message); },
            // A session whose launch failed may never be reported terminated: its adapter's exit is.
            onExit: () => { this.ended(session); },
          };
        },
      }),
      vscode.debug.onDidReceiveDebugSessionCustomEvent((event) => { this.custom(event); }),
      vscode.debug.onDidChangeActiveDebugSession((session) => {
        if (session?.type === DEBUG_TYPE) {
          this.sessions.follow(session.id);
          this.show();
        }
      }),
      vscode.debug.onDidTerminateDebugSession((session) => { this.ended(session); }),
    ];
  }

  /** The thread a session last stopped in, if it is stopped at all. */
  stoppedThread(session: vscode.DebugSession): number | undefined {
    return this.stoppedThreads.get(session.id);
  }

  /** Ask the adapter for the history of a session and show it (if the view is its). */
  async fetch(session: vscode.DebugSession): Promise<void> {
    try {
      const history = await session.customRequest('temporal/history') as History;
      this.sessions.historyArrived(session.id, history);
    } catch (error) {
      this.sessions.historyFailed(session.id, error instanceof Error ? error.message : String(error));
    }
    if (this.sessions.isShown(session.id)) {
      this.show();
    }
  }

  private heard(session: vscode.DebugSession, message: AdapterMessage): void {
    if (message.type === 'event' && message.event === 'initialized') {
      void this.fetch(session);
    } else if (message.type === 'event' && message.event === 'stopped'
      && typeof message.body?.threadId === 'number') {
      this.stoppedThreads.set(session.id, message.body.threadId);
    }
  }

  private custom(event: vscode.DebugSessionCustomEvent): void {
    if (event.session.type !== DEBUG_TYPE) {
      return;
    }
    if (event.event === 'temporal/currentEvent') {
      this.sessions.stoppedAt(event.session.id, event.body as CurrentEvent);
    } else if (event.event === 'temporal/replayEnded') {
      const summary = (event.body as { summary?: unknown } | undefined)?.summary;
      this.sessions.replayEnded(event.session.id, typeof summary === 'string' ? summary : 'The replay ended');
    } else {
      return;
    }
    if (this.sessions.isShown(event.session.id)) {
      this.show();
    }
  }

  private ended(session: vscode.DebugSession): void {
    this.stoppedThreads.delete(session.id);
    this.sessions.terminated(session.id);
    if (this.sessions.isShown(session.id)) {
      this.show();
    }
  }

  /** Put the shown session's state on screen, revealing its current event. */
  private show(): void {
    const state = this.sessions.view();
    const model = this.view.model;
    if (model.getHistory() !== state.history) {
      model.setHistory(state.history);
    }
    model.setCurrent(state.current);
    model.setMessage(state.message);
    this.view.refresh();
    if (state.current) {
      void this.view.revealCurrent();
    }
  }

  dispose(): void {
    this.disposables.forEach((disposable) => { disposable.dispose(); });
  }
}
