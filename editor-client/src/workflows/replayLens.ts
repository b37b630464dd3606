/**
 * The CodeLens "Replay with history…" above each `@workflow.run` of a Python file. Its command
 * (commands.ts) finds the workflow's project and builds the launch.
 */
import * as vscode from 'vscode';
import { findWorkflowRuns } from './workflowRuns';

export const REPLAY_WITH_HISTORY = 'temporalReplay.replayWithHistory';

export class ReplayLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    return findWorkflowRuns(document.getText()).map((run) =>
      new vscode.CodeLens(new vscode.Range(run.line, 0, run.line, 0), {
        title: '$(debug-alt) Replay with history…', command: REPLAY_WITH_HISTORY,
        tooltip: `Replay a saved history of ${run.className ?? 'this workflow'} under the debugger`,
        arguments: [document.uri, run.className],
      }));
  }
}
