/**
 * Starts the replaydbg debug adapter for each `temporal-replay` session.
 *
 * Launch scenarios:
 * - the usual one: `<interpreter> -m replaydbg dap [replaydbg.dap.extraArgs]` on stdio, the
 *   interpreter being the one the configuration provider already checked (it runs before
 *   this factory and stops the launch with a notification when replaydbg is missing);
 * - `debugServer: PORT` in launch.json (for working on the adapter itself, started by hand
 *   with `replaydbg dap --port PORT`): connect to it instead of starting one.
 */
import * as vscode from 'vscode';
import { SettingsService } from '../config/settingsService';
import { InterpreterService } from '../python/interpreterService';

export class AdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly interpreters: InterpreterService,
              private readonly settings: SettingsService) {}

  async createDebugAdapterDescriptor(session: vscode.DebugSession)
    : Promise<vscode.DebugAdapterDescriptor> {
    const port = session.configuration.debugServer as unknown;
    if (typeof port === 'number') {
      return new vscode.DebugAdapterServer(port);
    }
    const folder = session.workspaceFolder?.uri;
    const interpreter = await this.interpreters.current(folder);
    const args = ['-m', 'replaydbg', 'dap', ...this.settings.read(folder).dapExtraArgs];
    return new vscode.DebugAdapterExecutable(interpreter.command, args,
      folder ? { cwd: folder.fsPath } : {});
  }
}
