/**
 * The composition root: every service of the extension is made here, once, and handed what
 * it needs. Nothing else constructs services; `extension.ts` only calls {@link compose}.
 */
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { ApiKeyStore } from './config/apiKeyStore';
import { DEBUG_TYPE } from './config/launchArguments';
import { SettingsService } from './config/settingsService';
import { AdapterFactory } from './debug/adapterFactory';
import { ConfigurationProvider } from './debug/configurationProvider';
import { EventBreakpoints } from './history/eventBreakpoints';
import { HistoryModel } from './history/historyModel';
import { HistorySession } from './history/historySession';
import { HistoryView } from './history/historyView';
import { LanguageServer } from './language/languageServer';
import { Installer } from './python/installer';
import { InterpreterService } from './python/interpreterService';
import { RecentView } from './recent/recentView';
import { ReplayLensProvider } from './workflows/replayLens';

export function compose(context: vscode.ExtensionContext): void {
  const settings = new SettingsService();
  const installer = new Installer(context.extensionPath);
  const interpreters = new InterpreterService(settings, installer);
  const apiKeys = new ApiKeyStore(context.secrets);
  const breakpoints = new EventBreakpoints();
  const historyView = new HistoryView(new HistoryModel(), breakpoints);
  const recent = new RecentView(context.workspaceState);
  const languageServer = new LanguageServer(settings, interpreters);
  const historySession = new HistorySession(historyView);
  context.subscriptions.push(settings, installer, interpreters, breakpoints, historyView, recent,
    languageServer, historySession,
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE,
      new ConfigurationProvider(settings, apiKeys, interpreters)),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE,
      new AdapterFactory(interpreters, settings)),
    vscode.languages.registerCodeLensProvider({ language: 'python', scheme: 'file' },
      new ReplayLensProvider()),
    ...registerCommands({ apiKeys, breakpoints, recent, languageServer, historySession }));
  void languageServer.restart();
}
