/**
 * Turns what the user chose (launch.json, a snippet, F5 with no launch.json, a command) into
 * a launch the adapter accepts: defaults from settings and secret storage, problems shown as
 * notifications with a fix, and a check that replaydbg runs in the chosen interpreter.
 *
 * "create a launch.json file" writes package.json's `initialConfigurations` (the same as
 * {@link defaultConfiguration}): VS Code adds whatever `provideDebugConfigurations` returns to
 * those, so this provider has none, or the file would get the configuration twice.
 */
import * as vscode from 'vscode';
import { ApiKeyStore } from '../config/apiKeyStore';
import { defaultConfiguration, isEmpty, LaunchDefaults, resolveConfiguration }
  from '../config/launchArguments';
import { SettingsService } from '../config/settingsService';
import { InterpreterService } from '../python/interpreterService';

export class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly settings: SettingsService,
              private readonly apiKeys: ApiKeyStore,
              private readonly interpreters: InterpreterService) {}

  /** F5 without launch.json gets the default replay; its variables are substituted next. */
  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined,
                            configuration: vscode.DebugConfiguration)
    : vscode.DebugConfiguration {
    return isEmpty(configuration) ? defaultConfiguration() as vscode.DebugConfiguration
      : configuration;
  }

  /** Returning undefined stops the launch quietly: the notification already said why. */
  async resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined, configuration: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    const resolution = resolveConfiguration(configuration, await this.defaults(folder));
    if (resolution.kind === 'error') {
      void this.explain(`${resolution.message} ${resolution.fix}`);
      return undefined;
    }
    const interpreter = await this.interpreters.current(folder?.uri);
    if (!await this.interpreters.ensureReplaydbg(interpreter, folder?.uri)) {
      return undefined;
    }
    return resolution.configuration as vscode.DebugConfiguration;
  }

  private async defaults(folder: vscode.WorkspaceFolder | undefined): Promise<LaunchDefaults> {
    const { temporal } = this.settings.read(folder?.uri);
    const apiKey = await this.apiKeys.get();
    return { ...temporal, ...(folder ? { folder: folder.uri.fsPath } : {}),
      ...(apiKey ? { apiKey } : {}) };
  }

  private async explain(message: string): Promise<void> {
    const open = 'Open launch.json';
    if (await vscode.window.showErrorMessage(message, open) === open) {
      await vscode.commands.executeCommand('workbench.action.debug.configure');
    }
  }
}
