/** The `replaydbg.*` settings from VS Code, and an event when they change. */
import * as vscode from 'vscode';
import { readSettings, Settings } from './settings';

export const SECTION = 'replaydbg';

export class SettingsService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.ConfigurationChangeEvent>();
  /** Fires when any `replaydbg.*` setting changes; `affects` tells which. */
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(SECTION)) {
        this.changed.fire(event);
      }
    });
  }

  /** Current settings; a wrong-typed value is reported once and replaced by its default. */
  read(scope?: vscode.Uri): Settings {
    const configuration = vscode.workspace.getConfiguration(SECTION, scope);
    const settings = readSettings((key) => configuration.get(key));
    if (settings.problems.length > 0) {
      void vscode.window.showWarningMessage(settings.problems.join(' '), 'Open Settings')
        .then((choice) => choice && vscode.commands.executeCommand(
          'workbench.action.openSettings', SECTION));
    }
    return settings;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
