/**
 * "Recent Replays": every replay started is remembered (per workspace, secrets removed) and
 * listed in the Run and Debug side bar, to run again in one click.
 */
import * as vscode from 'vscode';
import { DEBUG_TYPE } from '../config/launchArguments';
import { forget, newestOnce, RecentReplay, remember, replayDescription, replayLabel,
  validEntries } from './recentReplays';

const STATE_KEY = 'replaydbg.recentReplays';
export const RECENT_VIEW = 'temporalReplay.recent';

export class RecentView implements vscode.TreeDataProvider<RecentReplay>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly state: vscode.Memento) {
    this.disposables = [this.changed,
      vscode.window.createTreeView(RECENT_VIEW, { treeDataProvider: this }),
      vscode.debug.onDidStartDebugSession((session) => { void this.started(session); })];
  }

  /** Newest first, each history once (lists stored by older versions may repeat one). */
  list(): RecentReplay[] {
    return newestOnce(validEntries(this.state.get(STATE_KEY)));
  }

  async replay(entry: RecentReplay): Promise<void> {
    const folder = entry.folder === undefined ? undefined
      : vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(entry.folder));
    await vscode.debug.startDebugging(folder,
      { ...entry.configuration, type: DEBUG_TYPE, request: 'launch',
        name: typeof entry.configuration.name === 'string' ? entry.configuration.name
          : 'Temporal replay' });
  }

  async forget(entry: RecentReplay): Promise<void> {
    await this.save(forget(this.list(), entry));
  }

  async clear(): Promise<void> {
    await this.save([]);
  }

  getChildren(entry?: RecentReplay): RecentReplay[] {
    return entry ? [] : this.list();
  }

  getTreeItem(entry: RecentReplay): vscode.TreeItem {
    const item = new vscode.TreeItem(replayLabel(entry));
    item.description = replayDescription(entry, Date.now());
    item.tooltip = JSON.stringify(entry.configuration, null, 2);
    item.iconPath = new vscode.ThemeIcon(entry.configuration.workflowId ? 'cloud' : 'file');
    item.contextValue = 'recent';
    item.command = { command: 'temporalReplay.replayRecent', title: 'Replay Again', arguments: [entry] };
    return item;
  }

  private async started(session: vscode.DebugSession): Promise<void> {
    if (session.type !== DEBUG_TYPE) {
      return;
    }
    const folder = session.workspaceFolder?.uri.toString();
    await this.save(remember(this.list(), { configuration: session.configuration,
      startedAt: Date.now(), ...(folder ? { folder } : {}) }));
  }

  private async save(list: RecentReplay[]): Promise<void> {
    await this.state.update(STATE_KEY, list);
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.disposables.forEach((disposable) => { disposable.dispose(); });
  }
}
