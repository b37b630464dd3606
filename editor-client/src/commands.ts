/** The extension's commands: thin wrappers over the services the composition root made. */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { ApiKeyStore } from './config/apiKeyStore';
import { DEBUG_TYPE } from './config/launchArguments';
import { askWorkflowId, pickHistoryFile } from './debug/launchInputs';
import { isUnknownRequest } from './debug/unknownRequest';
import { EventBreakpoints } from './history/eventBreakpoints';
import { eventLine, HistoryNode } from './history/historyModel';
import { HistorySession } from './history/historySession';
import { HISTORY_VIEW } from './history/historyView';
import { LanguageServer } from './language/languageServer';
import { RecentReplay } from './recent/recentReplays';
import { RecentView } from './recent/recentView';
import { findProject } from './workflows/projectConfig';
import { REPLAY_WITH_HISTORY } from './workflows/replayLens';
import { workflowReference } from './workflows/workflowRuns';

export interface CommandServices {
  apiKeys: ApiKeyStore;
  breakpoints: EventBreakpoints;
  recent: RecentView;
  languageServer: LanguageServer;
  historySession: HistorySession;
}

export function registerCommands(services: CommandServices): vscode.Disposable[] {
  const { apiKeys, breakpoints, recent, languageServer, historySession } = services;
  const commands: Record<string, (...args: never[]) => unknown> = {
    'temporalReplay.pickHistoryFile': () => pickHistoryFile(),
    'temporalReplay.askWorkflowId': askWorkflowId,
    'temporalReplay.replayHistoryFile': replayHistoryFile,
    'temporalReplay.replayWorkflowId': replayWorkflowId,
    [REPLAY_WITH_HISTORY]: replayWithHistory,
    'temporalReplay.debugBreakingHistory': debugBreakingHistory,
    'temporalReplay.stepToNextEvent': () => stepToNextEvent(historySession),
    'temporalReplay.runToEvent': (node: HistoryNode) => runToEvent(historySession, node),
    'temporalReplay.showHistory': () => vscode.commands.executeCommand(`${HISTORY_VIEW}.focus`),
    'temporalReplay.replayRecent': (entry: RecentReplay) => recent.replay(entry),
    'temporalReplay.forgetRecent': (entry: RecentReplay) => recent.forget(entry),
    'temporalReplay.clearRecent': () => recent.clear(),
    'temporalReplay.breakOnEventType': (node: HistoryNode) => { eventTypeBreakpoint(breakpoints, node, true); },
    'temporalReplay.clearEventTypeBreakpoint': (node: HistoryNode) => { eventTypeBreakpoint(breakpoints, node, false); },
    'temporalReplay.revealEventSource': revealEventSource,
    'temporalReplay.setApiKey': () => apiKeys.ask(),
    'temporalReplay.clearApiKey': () => apiKeys.clear(),
    'temporalReplay.restartLanguageServer': () => languageServer.restart(),
    'temporalReplay.pullRecentHistories': pullRecentHistories,
  };
  return Object.entries(commands).map(([id, run]) => vscode.commands.registerCommand(id, run));
}

function folderFor(uri?: vscode.Uri): vscode.WorkspaceFolder | undefined {
  return (uri && vscode.workspace.getWorkspaceFolder(uri)) ?? vscode.workspace.workspaceFolders?.[0];
}

async function replayHistoryFile(): Promise<void> {
  const historyFile = await pickHistoryFile();
  if (historyFile) {
    await start(folderFor(vscode.Uri.file(historyFile)), 'Replay a history file', { historyFile });
  }
}

async function replayWorkflowId(): Promise<void> {
  const workflowId = await askWorkflowId();
  if (workflowId) {
    await start(folderFor(), 'Replay a workflow id', { workflowId });
  }
}

/**
 * From the CodeLens: this workflow class, a history the user picks. The launch runs in the
 * workflow's project (the folder of its pyproject.toml with `[tool.replaydbg]`, else the
 * workspace folder) and names only the class: the adapter reads the project's setup itself,
 * and a launch attribute set here would replace it.
 */
async function replayWithHistory(uri?: vscode.Uri, className?: string): Promise<void> {
  const folder = folderFor(uri);
  const project = uri && folder ? findProject(uri.fsPath, folder.uri.fsPath, readText) : undefined;
  const cwd = project?.root ?? folder?.uri.fsPath;
  const historyFile = await pickHistoryFile(project?.histories ?? []);
  if (historyFile) {
    const workflow = uri && cwd ? workflowReference(path.relative(cwd, uri.fsPath), className)
      : undefined;
    await start(folder, `Replay ${className ?? 'workflow'}`,
      { historyFile, ...(workflow ? { workflow } : {}), ...(cwd ? { cwd } : {}) });
  }
}

/** What the language server's CodeLens "k of N saved histories break" passes. */
interface BreakingHistory {
  historyFile?: unknown;
  workflow?: unknown;
}

/**
 * From the language server's CodeLens: debug the first saved history the code breaks. No
 * stop on entry: the session runs to the divergence and stops there, at the issuing line.
 */
async function debugBreakingHistory(target?: BreakingHistory): Promise<void> {
  const historyFile = typeof target?.historyFile === 'string' ? target.historyFile : undefined;
  const workflow = typeof target?.workflow === 'string' ? target.workflow : undefined;
  if (!historyFile) {
    await replayWithHistory();
    return;
  }
  const uri = vscode.Uri.file(historyFile);
  const folder = folderFor(uri);
  const project = folder ? findProject(historyFile, folder.uri.fsPath, readText) : undefined;
  const cwd = project?.root ?? folder?.uri.fsPath;
  await start(folder, `Replay ${path.basename(historyFile)}`,
    { historyFile, ...(workflow ? { workflow } : {}), ...(cwd ? { cwd } : {}), stopOnEntry: false });
}

/** What the language server's `replaydbg.pullHistories` answers. */
interface PullAnswer {
  pulled?: boolean;
  message?: string;
}

/**
 * Pull the project's recent histories (`[tool.replaydbg.recent_histories]`) through the
 * language server, which replays them when they changed; say how the pull went.
 */
async function pullRecentHistories(): Promise<void> {
  let answer: PullAnswer | undefined;
  try {
    answer = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'replaydbg: pulling recent histories…' },
      () => Promise.resolve(vscode.commands.executeCommand<PullAnswer | undefined>(PULL_HISTORIES)));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    void vscode.window.showWarningMessage(`replaydbg: the language server could not pull (${reason}); `
      + 'it runs when "replaydbg.lint.enable" is on: try Temporal Replay: Restart Language Server.');
    return;
  }
  const message = `replaydbg: ${answer?.message ?? 'the language server gave no answer'}`;
  if (answer?.pulled) {
    void vscode.window.showInformationMessage(message);
  } else {
    void vscode.window.showWarningMessage(message);
  }
}

/** The language server's command behind {@link pullRecentHistories}. */
const PULL_HISTORIES = 'replaydbg.pullHistories';

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

async function start(folder: vscode.WorkspaceFolder | undefined, name: string,
                     attributes: Record<string, unknown>): Promise<void> {
  await vscode.debug.startDebugging(folder, { type: DEBUG_TYPE, request: 'launch', name,
    stopOnEntry: true, ...(folder ? { cwd: folder.uri.fsPath } : {}), ...attributes });
}

/** Run to the next history event; needs the adapter's `temporal/nextEvent` request. */
async function stepToNextEvent(historySession: HistorySession): Promise<void> {
  await replayRequest(historySession, 'temporal/nextEvent', {}, 'Step to next history event',
    'Meanwhile, tick events in the Temporal History view or enable the "Temporal: every history event" exception breakpoint.');
}

/**
 * Run forward or back to an event of the history view; the adapter's `temporal/runToEvent`
 * knows which way it lies from the current stop (going back replays again up to it).
 */
async function runToEvent(historySession: HistorySession, node: HistoryNode): Promise<void> {
  if (node.kind === 'event') {
    await replayRequest(historySession, 'temporal/runToEvent', { eventId: node.event.eventId },
      `Run to event ${node.event.eventId}`, 'Meanwhile, tick the event in the Temporal History view and continue.');
  }
}

/** A `temporal/*` request to the active replay, for the thread that last stopped. */
async function replayRequest(historySession: HistorySession, command: string,
                             args: Record<string, unknown>, what: string,
                             meanwhile: string): Promise<void> {
  const session = vscode.debug.activeDebugSession;
  if (session?.type !== DEBUG_TYPE) {
    void vscode.window.showInformationMessage('Start a Temporal replay first: there is no history to step through.');
    return;
  }
  try {
    const threadId = historySession.stoppedThread(session);
    await session.customRequest(command, threadId === undefined ? args : { ...args, threadId });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    void vscode.window.showWarningMessage(isUnknownRequest(detail, command)
      ? `This replaydbg adapter is too old for this (no "${command}" request). ${meanwhile}`
      : `${what} failed: ${detail}`);
  }
}

function eventTypeBreakpoint(breakpoints: EventBreakpoints, node: HistoryNode, on: boolean): void {
  const eventType = node.kind === 'event' ? node.event.eventType : node.kind === 'type' ? node.eventType : undefined;
  if (eventType) {
    breakpoints.set({ eventType }, on);
  }
}

async function revealEventSource(node: HistoryNode): Promise<void> {
  const line = node.kind === 'event' ? eventLine(node.event) : null;
  if (line) {
    const position = new vscode.Position(Math.max(line.line - 1, 0), 0);
    await vscode.window.showTextDocument(vscode.Uri.file(line.file),
      { selection: new vscode.Range(position, position), preserveFocus: true });
  }
}
