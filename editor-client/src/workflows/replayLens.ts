/** The CodeLens "Replay with history…" above each `@workflow.run` of a Python file. */
import * as path from 'path';
import * as vscode from 'vscode';
import { findWorkflowRuns, workflowReference } from './workflowRuns';

export const REPLAY_WITH_HISTORY = 'temporalReplay.replayWithHistory';

export class ReplayLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    return findWorkflowRuns(document.getText()).map((run) => {
      const relative = folder ? path.relative(folder.uri.fsPath, document.uri.fsPath) : '';
      const workflow = workflowReference(relative, run.className);
      return new vscode.CodeLens(new vscode.Range(run.line, 0, run.line, 0), {
        title: '$(debug-alt) Replay with history…', command: REPLAY_WITH_HISTORY,
        tooltip: `Replay a saved history of ${workflow ?? 'this workflow'} under the debugger`,
        arguments: [document.uri, workflow],
      });
    });
  }
}
