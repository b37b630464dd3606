/**
 * The "Temporal History" tree in the Run and Debug side bar: renders a {@link HistoryModel},
 * highlights and reveals the current event, and turns checkbox clicks into event breakpoints.
 */
import * as vscode from 'vscode';
import { EventBreakpoints } from './eventBreakpoints';
import { eventDescription, eventLabel, eventLine, HistoryEvent, HistoryModel, HistoryNode,
  runsCode, taskLabel } from './historyModel';

export const HISTORY_VIEW = 'temporalReplay.history';

export class HistoryView implements vscode.TreeDataProvider<HistoryNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<HistoryNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<HistoryNode>;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private revealing: Promise<void> = Promise.resolve();

  constructor(readonly model: HistoryModel, private readonly breakpoints: EventBreakpoints) {
    this.view = vscode.window.createTreeView(HISTORY_VIEW,
      { treeDataProvider: this, showCollapseAll: true, manageCheckboxStateManually: true });
    this.disposables.push(this.view,
      this.view.onDidChangeCheckboxState((event) => { this.toggled(event); }),
      // A stop while the view was hidden or collapsed revealed nothing: reveal it on showing.
      this.view.onDidChangeVisibility((event) => { if (event.visible) { void this.revealCurrent(); } }),
      breakpoints.onDidChange(() => { this.refresh(); }));
    this.refresh();
  }

  /** Re-read the breakpoints and redraw everything. */
  refresh(): void {
    this.model.setBreakpointNames(this.breakpoints.names());
    const history = this.model.getHistory();
    this.view.description = history ? `${history.workflowType} · ${history.workflowId}` : undefined;
    const current = this.model.getCurrent();
    this.view.message = current ? `Stopped: ${current.description}` : this.model.getMessage();
    this.changed.fire(undefined);
  }

  /**
   * Select and show the current event, expanding its workflow task. Reveals run one after
   * another (a stop and the view being shown can ask at once). The tree can refuse a reveal,
   * or lose its selection, while it redraws a new history or a changed layout; on a loaded
   * machine that takes a while, so a reveal is checked against the view's selection and
   * tried again, for a few seconds, until the current event is selected.
   */
  revealCurrent(): Promise<void> {
    this.revealing = this.revealing.then(() => this.revealUntilSelected());
    return this.revealing;
  }

  private async revealUntilSelected(): Promise<void> {
    for (const delay of REVEAL_RETRY_MS) {
      if (delay > 0) {
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
      const id = this.model.getCurrent()?.eventId;
      const node = id === undefined ? undefined : this.model.eventNode(id);
      if (!node || !this.view.visible) {
        return;
      }
      try {
        await this.view.reveal(node, { select: true, focus: false, expand: true });
      } catch {
        continue;
      }
      if (this.view.selection.some((selected) => selected.kind === 'event' && selected.event.eventId === id)) {
        return;
      }
    }
  }

  getChildren(node?: HistoryNode): HistoryNode[] {
    return node ? this.model.children(node) : this.model.roots();
  }

  getParent(node: HistoryNode): HistoryNode | undefined {
    return this.model.parent(node);
  }

  getTreeItem(node: HistoryNode): vscode.TreeItem {
    switch (node.kind) {
      case 'types': return this.typesItem();
      case 'type': return this.typeItem(node.eventType, node.count);
      case 'task': return this.taskItem(node);
      case 'event': return this.eventItem(node.event);
    }
  }

  private typesItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Break on event types',
      vscode.TreeItemCollapsibleState.Collapsed);
    item.id = 'types';
    item.iconPath = new vscode.ThemeIcon('filter');
    return item;
  }

  private typeItem(eventType: string, count: number): vscode.TreeItem {
    const item = new vscode.TreeItem(eventType);
    const on = this.model.hasTypeBreakpoint(eventType);
    item.id = `type:${eventType}`;
    item.description = `${count}×`;
    item.checkboxState = checkbox(on);
    item.tooltip = `Stop at every ${eventType} event (function breakpoint "${eventType}")`;
    return item;
  }

  private taskItem(node: Extract<HistoryNode, { kind: 'task' }>): vscode.TreeItem {
    const current = this.model.isCurrent(node);
    const item = new vscode.TreeItem(taskLabel(node.group), current
      ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `task:${node.group.task}`;
    item.description = node.group.outcome === 'completed' ? undefined : node.group.outcome;
    const failure = failedTaskEvent(node.group.events);
    if (failure) {
      // A task the worker failed (a stuck workflow retries it): the bug is in its events.
      item.tooltip = `This workflow task ${node.group.outcome}: ${failure.details}`;
    }
    item.iconPath = current ? new vscode.ThemeIcon('debug-stackframe-focused')
      : failure ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
        : new vscode.ThemeIcon('symbol-event');
    return item;
  }

  private eventItem(event: HistoryEvent): vscode.TreeItem {
    const current = this.model.isCurrent({ kind: 'event', event, task: 0 });
    const item = new vscode.TreeItem(eventLabel(event));
    const line = eventLine(event);
    item.id = `event:${event.eventId}`;
    item.description = eventDescription(event) || undefined;
    item.tooltip = eventTooltip(event, current ? this.model.getCurrent()?.description : undefined);
    item.checkboxState = checkbox(this.model.hasEventBreakpoint(event.eventId));
    item.iconPath = current
      ? new vscode.ThemeIcon('debug-stackframe', new vscode.ThemeColor('debugIcon.breakpointCurrentStackframeForeground'))
      : FAILED_TASK_EVENTS.has(event.eventType)
        ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
        : new vscode.ThemeIcon(event.role === 'not-reached' ? 'circle-slash' : roleIcon(event.role));
    const typeState = this.model.hasTypeBreakpoint(event.eventType) ? 'typeBreak-on' : 'typeBreak-off';
    item.contextValue = `event ${typeState}${line ? ' hasSource' : ''}${runsCode(event) ? ' runTo' : ''}`;
    if (line) {
      item.command = { command: 'temporalReplay.revealEventSource', title: 'Go to Source Line',
        arguments: [{ kind: 'event', event, task: 0 }] };
    }
    return item;
  }

  private toggled(event: vscode.TreeCheckboxChangeEvent<HistoryNode>): void {
    for (const [node, state] of event.items) {
      const on = state === vscode.TreeItemCheckboxState.Checked;
      if (node.kind === 'event') {
        this.breakpoints.set({ eventId: node.event.eventId }, on);
      } else if (node.kind === 'type') {
        this.breakpoints.set({ eventType: node.eventType }, on);
      }
    }
  }

  dispose(): void {
    this.disposables.forEach((disposable) => { disposable.dispose(); });
  }
}

/** Waits before each try of a reveal: about 5 s in all. */
const REVEAL_RETRY_MS = [0, 100, 250, 500, 1000, 1500, 2000];

const FAILED_TASK_EVENTS = new Set(['WorkflowTaskFailed', 'WorkflowTaskTimedOut']);

/** The event that records a workflow task's failure, if the task failed. */
export function failedTaskEvent(events: readonly HistoryEvent[]): HistoryEvent | undefined {
  return events.find((event) => FAILED_TASK_EVENTS.has(event.eventType));
}

function checkbox(on: boolean): vscode.TreeItemCheckboxState {
  return on ? vscode.TreeItemCheckboxState.Checked : vscode.TreeItemCheckboxState.Unchecked;
}

function roleIcon(role: string): string {
  return ({ command: 'arrow-right', applied: 'arrow-left', 'workflow-task': 'gear',
    server: 'server' } as Record<string, string>)[role] ?? 'circle-small';
}

function eventTooltip(event: HistoryEvent, stoppedHere: string | undefined): vscode.MarkdownString {
  const line = eventLine(event);
  const parts = [`**#${event.eventId} ${event.eventType}** (${event.role})`];
  if (event.details) { parts.push(event.details); }
  if (event.note) { parts.push(`_${event.note}_`); }
  if (line) { parts.push(`${line.function} — ${line.file}:${line.line}`); }
  if (stoppedHere) { parts.push(`$(debug-stackframe) Stopped here: ${stoppedHere}`); }
  const markdown = new vscode.MarkdownString(parts.join('\n\n'), true);
  markdown.isTrusted = false;
  return markdown;
}
