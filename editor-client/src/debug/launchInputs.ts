/**
 * The input variables of launch configurations: `${command:pickHistoryFile}` opens a file
 * dialog, `${command:askWorkflowId}` an input box. Cancelling either cancels the launch
 * (VS Code does that when a command variable resolves to undefined).
 */
import * as vscode from 'vscode';

export async function pickHistoryFile(): Promise<string | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const found = folder ? await vscode.workspace.findFiles(
    new vscode.RelativePattern(folder, '**/*history*.{json,bin,gz}'), '**/node_modules/**', 200)
    : [];
  const browse = '$(folder-opened) Browse…';
  if (found.length > 0) {
    const items = [...found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
      { label: browse, uri: undefined }];
    const choice = await vscode.window.showQuickPick(items,
      { title: 'Replay which history?', placeHolder: 'A history saved as JSON, binary or gzip' });
    if (choice === undefined) {
      return undefined;
    }
    if (choice.uri) {
      return choice.uri.fsPath;
    }
  }
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false,
    openLabel: 'Replay', title: 'Replay which history?',
    filters: { 'Workflow histories': ['json', 'bin', 'gz'], 'All files': ['*'] },
    ...(folder ? { defaultUri: folder } : {}) });
  return picked?.[0]?.fsPath;
}

export async function askWorkflowId(): Promise<string | undefined> {
  const id = await vscode.window.showInputBox({ title: 'Replay which workflow?',
    prompt: 'Workflow id; its history is fetched from the Temporal server in your settings.',
    ignoreFocusOut: true,
    validateInput: (value) => value.trim() === '' ? 'A workflow id is required' : undefined });
  return id?.trim() || undefined;
}
