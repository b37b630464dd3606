/**
 * The language client of `replaydbg lsp`: determinism diagnostics and quick fixes in Python
 * files. It runs in the replaydbg interpreter and restarts when that interpreter or the
 * server's arguments change; lint settings are pushed to the running server instead (it
 * re-reads them), as the `replaydbg` configuration section it asks for.
 */
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { serverSection } from '../config/settings';
import { SECTION, SettingsService } from '../config/settingsService';
import { InterpreterService } from '../python/interpreterService';

export class LanguageServer implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly output = vscode.window.createOutputChannel('replaydbg language server');
  private readonly disposables: vscode.Disposable[] = [this.output];
  private restarting: Promise<void> = Promise.resolve();

  constructor(private readonly settings: SettingsService,
              private readonly interpreters: InterpreterService) {
    this.disposables.push(
      interpreters.onDidChange(() => { void this.restart(); }),
      settings.onDidChange((event) => {
        if (event.affectsConfiguration('replaydbg.lsp')) {
          void this.restart();
        } else if (event.affectsConfiguration('replaydbg.lint')) {
          void this.client?.sendNotification('workspace/didChangeConfiguration', { settings: null });
        }
      }));
  }

  /** Stop the running server, if any, and start one with the current settings. */
  restart(): Promise<void> {
    this.restarting = this.restarting.then(() => this.replace()).catch((error: unknown) => {
      this.output.appendLine(`restart failed: ${String(error)}`);
    });
    return this.restarting;
  }

  private async replace(): Promise<void> {
    const old = this.client;
    this.client = undefined;
    await old?.stop().catch(() => undefined);
    const interpreter = await this.interpreters.current();
    if (!await this.interpreters.ensureReplaydbg(interpreter)) {
      return; // the user was told, with actions; a settings change retries
    }
    const settings = this.settings.read();
    // Run where the probe looked (ensureReplaydbg): the first workspace folder.
    const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const server: ServerOptions = { command: interpreter.command,
      args: ['-m', 'replaydbg', 'lsp', '--stdio', ...settings.lspExtraArgs],
      ...(cwd ? { options: { cwd } } : {}) };
    this.client = new LanguageClient('replaydbg', 'replaydbg', server, this.clientOptions());
    await this.client.start();
  }

  private clientOptions(): LanguageClientOptions {
    return {
      documentSelector: [{ scheme: 'file', language: 'python' }],
      outputChannel: this.output,
      initializationOptions: serverSection(this.settings.read().lint),
      middleware: { workspace: { configuration: (params, token, next) => {
        // Only the keys the server knows: the editor-side settings would be "unknown" there.
        const answers = params.items.map((item) => item.section === SECTION
          ? serverSection(this.settings.read(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined).lint)
          : undefined);
        return answers.every((answer) => answer !== undefined) ? answers : next(params, token);
      } } },
    };
  }

  dispose(): void {
    void this.client?.stop();
    this.disposables.forEach((disposable) => { disposable.dispose(); });
  }
}
