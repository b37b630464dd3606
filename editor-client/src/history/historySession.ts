/**
 * Feeds the history view from the replay sessions: the history (`temporal/history`) once the
 * adapter has mapped it, which is when it says `initialized`; the current event from every
 * `temporal/currentEvent`. The view follows the active replay session.
 */
import * as vscode from 'vscode';
import { DEBUG_TYPE } from '../config/launchArguments';
import { CurrentEvent, History } from './historyModel';
import { HistoryView } from './historyView';

interface AdapterMessage { type?: string; event?: string; body?: { threadId?: unknown } }

export class HistorySession implements vscode.Disposable {
  private readonly histories = new Map<string, History>();
  /** The thread of each session's last stop: `temporal/nextEvent` continues that thread. */
  private readonly stoppedThreads = new Map<string, number>();
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly view: HistoryView) {
    this.disposables = [
      vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
        createDebugAdapterTracker: (session) => ({
          onDidSendMessage: (message: AdapterMessage) => {
            if (message.type === 'event' && message.event === 'initialized') {
              void this.fetch(session);
            } else if (message.type === 'event' && message.event === 'stopped'
              && typeof message.body?.threadId === 'number') {
              this.stoppedThreads.set(session.id, message.body.threadId);
            }
          },
        }),
      }),
      vscode.debug.onDidReceiveDebugSessionCustomEvent((event) => { this.custom(event); }),
      vscode.debug.onDidChangeActiveDebugSession((session) => { this.follow(session); }),
      vscode.debug.onDidTerminateDebugSession((session) => { this.ended(session); }),
    ];
  }

  /** The thread a session last stopped in, if it is stopped at all. */
  stoppedThread(session: vscode.DebugSession): number | undefined {
    return this.stoppedThreads.get(session.id);
  }

  /** Ask the adapter for the history of a session and show it. */
  async fetch(session: vscode.DebugSession): Promise<void> {
    try {
      const history = await session.customRequest('temporal/history') as History;
      this.histories.set(session.id, history);
      if (vscode.debug.activeDebugSession === undefined || vscode.debug.activeDebugSession === session) {
        this.show(history);
      }
    } catch (error) {
      void vscode.window.showWarningMessage(`Could not read the replay's history: ${String(error)}`);
    }
  }

  private custom(event: vscode.DebugSessionCustomEvent): void {
    if (event.session.type !== DEBUG_TYPE || event.event !== 'temporal/currentEvent') {
      return;
    }
    const history = this.histories.get(event.session.id);
    if (history && this.view.model.getHistory() !== history) {
      this.show(history);
    }
    this.view.model.setCurrent(event.body as CurrentEvent);
    this.view.refresh();
    void this.view.revealCurrent();
  }

  private follow(session: vscode.DebugSession | undefined): void {
    const history = session ? this.histories.get(session.id) : undefined;
    if (history && this.view.model.getHistory() !== history) {
      this.show(history);
    }
  }

  private ended(session: vscode.DebugSession): void {
    const history = this.histories.get(session.id);
    this.histories.delete(session.id);
    this.stoppedThreads.delete(session.id);
    if (history && this.view.model.getHistory() === history) {
      // The history stays on screen to toggle breakpoints for the next run.
      this.view.model.setCurrent(null);
      this.view.refresh();
    }
  }

  private show(history: History): void {
    this.view.model.setHistory(history);
    this.view.refresh();
  }

  dispose(): void {
    this.disposables.forEach((disposable) => { disposable.dispose(); });
  }
}
