/**
 * The input variables of launch configurations: `${command:pickHistoryFile}` opens a file
 * dialog, `${command:askWorkflowId}` an input box. Cancelling either cancels the launch
 * (VS Code does that when a command variable resolves to undefined).
 */
import * as vscode from 'vscode';
import { orderHistories } from '../workflows/projectConfig';

/**
 * A history file to replay: `configured` (the project's `histories`, files or folders) are
 * offered first, then the workspace's files that look like histories, then a file dialog.
 */
export async function pickHistoryFile(configured: string[] = []): Promise<string | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const found = folder ? await vscode.workspace.findFiles(
    new vscode.RelativePattern(folder, '**/*history*.{json,bin,gz}'), '**/node_modules/**', 200)
    : [];
  const candidates = orderHistories(await historyFiles(configured), found.map((uri) => uri.fsPath));
  const browse = '$(folder-opened) Browse…';
  if (candidates.length > 0) {
    const items = [...candidates.map(({ file, configured: fromProject }) => ({
      label: vscode.workspace.asRelativePath(file), file,
      ...(fromProject ? { description: 'histories in pyproject.toml' } : {}) })),
    { label: browse, file: undefined }];
    const choice = await vscode.window.showQuickPick(items,
      { title: 'Replay which history?', placeHolder: 'A history saved as JSON, binary or gzip' });
    if (choice === undefined) {
      return undefined;
    }
    if (choice.file) {
      return choice.file;
    }
  }
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false,
    openLabel: 'Replay', title: 'Replay which history?',
    filters: { 'Workflow histories': ['json', 'bin', 'gz'], 'All files': ['*'] },
    ...(folder ? { defaultUri: folder } : {}) });
  return picked?.[0]?.fsPath;
}

/** The files of `paths` (a folder: the history files in it, as `replaydbg replay` finds them). */
async function historyFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const item of paths) {
    const uri = vscode.Uri.file(item);
    const stat = await Promise.resolve(vscode.workspace.fs.stat(uri)).catch(() => undefined);
    if (stat?.type === vscode.FileType.Directory) {
      const inside = await vscode.workspace.findFiles(
        new vscode.RelativePattern(uri, '**/*.{json,gz,pb,binpb}'), undefined, 200);
      files.push(...inside.map((found) => found.fsPath).sort());
    } else if (stat !== undefined) {
      files.push(item);
    }
  }
  return files;
}

export async function askWorkflowId(): Promise<string | undefined> {
  const id = await vscode.window.showInputBox({ title: 'Replay which workflow?',
    prompt: 'Workflow id; its history is fetched from the Temporal server in your settings.',
    ignoreFocusOut: true,
    validateInput: (value) => value.trim() === '' ? 'A workflow id is required' : undefined });
  return id?.trim() || undefined;
}
