/**
 * The Temporal API key, kept in VS Code's secret storage (the OS keychain), never in settings
 * or launch.json. It is added to a replay of a workflow id that sets no `apiKey` itself.
 */
import * as vscode from 'vscode';

const KEY = 'replaydbg.temporal.apiKey';

export class ApiKeyStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  get(): Thenable<string | undefined> {
    return this.secrets.get(KEY);
  }

  /** Ask for the key (input hidden) and store it; an empty answer leaves it unchanged. */
  async ask(): Promise<void> {
    const key = await vscode.window.showInputBox({
      title: 'Temporal API key', password: true, ignoreFocusOut: true,
      prompt: 'Stored in VS Code\'s secret storage; used to fetch histories by workflow id.',
    });
    if (key) {
      await this.secrets.store(KEY, key.trim());
      void vscode.window.showInformationMessage('Temporal API key stored in secret storage.');
    }
  }

  async clear(): Promise<void> {
    await this.secrets.delete(KEY);
    void vscode.window.showInformationMessage('Temporal API key removed from secret storage.');
  }
}
