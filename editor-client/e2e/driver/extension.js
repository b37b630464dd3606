// Test-only companion extension of editor-client/e2e/run.mjs (never published).
//
// When the setting `replaydbgE2e.controlDir` names a directory, it serves VS Code's API over
// HTTP on 127.0.0.1 (port written to <controlDir>/driver.json): the runner asks it to set
// breakpoints, run commands, wait for debug stops and diagnostics, list and apply code
// actions, and read editors. It also records every message of every debug adapter, so a
// failure can say what the adapter said. What the user sees (views, squiggles, menus) the
// runner checks in the page itself.
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const vscode = require('vscode');

const REPLAYDBG = 'replaydbg.replaydbg';

/** Everything the debug adapters sent or did, in order. */
const adapterLog = [];
/** `stopped` events with the session they came from. */
const stops = [];
const sessionsStarted = [];
const sessionsEnded = [];
/** Requests VS Code sent to the adapters, by command: e.g. how many `continue`s. */
const requests = {};
/** When VS Code last sent each command (ms since the epoch), to time a request to its stop. */
const requestTimes = {};

function record(session, entry) {
  adapterLog.push({ session: session.name, type: session.type, ...entry });
  if (adapterLog.length > 2000) { adapterLog.splice(0, adapterLog.length - 2000); }
}

function sleep(ms) { return new Promise((resolve) => { setTimeout(resolve, ms); }); }

async function until(what, timeoutMs, probe) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) { return value; }
    if (Date.now() > deadline) {
      const error = new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      error.details = recentAdapterOutput();
      throw error;
    }
    await sleep(100);
  }
}

function recentAdapterOutput() {
  return adapterLog.filter((e) => e.kind === 'output' || e.kind === 'error' || e.kind === 'exit'
    || e.kind === 'event').slice(-40);
}

function uriOf(file) { return vscode.Uri.file(file); }

function diagnosticJson(d) {
  return { message: d.message, source: d.source, severity: d.severity,
    code: typeof d.code === 'object' && d.code !== null ? String(d.code.value) : String(d.code),
    range: { start: { line: d.range.start.line, character: d.range.start.character },
      end: { line: d.range.end.line, character: d.range.end.character } } };
}

async function topFrame(stop) {
  const session = vscode.debug.activeDebugSession;
  if (!session || session.id !== stop.sessionId) { return null; }
  const trace = await session.customRequest('stackTrace',
    { threadId: stop.body.threadId, startFrame: 0, levels: 1 });
  const frame = trace.stackFrames[0];
  return frame ? { name: frame.name, line: frame.line, path: fsPath(frame.source && frame.source.path) } : null;
}

/** A path as the adapter sent it: in code-server VS Code hands it back as a vscode-remote: URI. */
function fsPath(value) {
  return value && /^[a-z][\w+.-]*:\/\//i.test(value) ? vscode.Uri.parse(value).fsPath : value;
}

const handlers = {
  async status() {
    const ext = vscode.extensions.getExtension(REPLAYDBG);
    return { version: vscode.version, folders: (vscode.workspace.workspaceFolders || []).map((f) => f.uri.fsPath),
      replaydbg: ext ? { active: ext.isActive, version: ext.packageJSON.version } : null };
  },
  async activate({ timeoutMs }) {
    const ext = vscode.extensions.getExtension(REPLAYDBG);
    if (!ext) { throw new Error(`extension ${REPLAYDBG} is not installed in this VS Code`); }
    await Promise.race([ext.activate(), sleep(timeoutMs).then(() => {
      throw new Error(`${REPLAYDBG} did not activate within ${timeoutMs} ms`);
    })]);
    return { active: ext.isActive };
  },
  async setFunctionBreakpoints({ names }) {
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    vscode.debug.addBreakpoints(names.map((name) => new vscode.FunctionBreakpoint(name)));
    return handlers.breakpoints();
  },
  async startDebugging({ configuration }) {
    // Not awaited: a launch that fails resolves only once its error dialog is dismissed.
    void vscode.debug.startDebugging((vscode.workspace.workspaceFolders || [])[0], configuration);
    return { started: true };
  },
  async breakpoints() {
    return vscode.debug.breakpoints.map((bp) => ({ enabled: bp.enabled,
      functionName: bp instanceof vscode.FunctionBreakpoint ? bp.functionName : undefined }));
  },
  async command({ id, args }) {
    const result = await vscode.commands.executeCommand(id, ...(args || []));
    return { result: result === undefined ? null : String(result) };
  },
  async waitStop({ count, timeoutMs }) {
    const stop = await until(`debug stop #${count}`, timeoutMs, () => stops[count - 1]);
    return { reason: stop.body.reason, description: stop.body.description, session: stop.session,
      at: stop.at, frame: await topFrame(stop) };
  },
  async stops() { return stops.map((s) => ({ reason: s.body.reason, description: s.body.description })); },
  async waitNoSession({ timeoutMs }) {
    await until('the debug session to end', timeoutMs, () => vscode.debug.activeDebugSession === undefined);
    return { ended: sessionsEnded };
  },
  async adapterLog() { return adapterLog; },
  async setSetting({ section, key, value }) {
    await vscode.workspace.getConfiguration(section).update(key, value, vscode.ConfigurationTarget.Global);
    return { value: vscode.workspace.getConfiguration(section).get(key) };
  },
  async requests() { return requests; },
  async requestTimes() { return requestTimes; },
  async sessions() {
    const session = vscode.debug.activeDebugSession;
    return { active: session ? { name: session.name, type: session.type } : null,
      started: sessionsStarted, ended: sessionsEnded };
  },
  async editor() {
    const editor = vscode.window.activeTextEditor;
    return editor ? { path: editor.document.uri.fsPath, line: editor.selection.active.line + 1 } : null;
  },
  async open({ file, line, character }) {
    const document = await vscode.workspace.openTextDocument(uriOf(file));
    const position = new vscode.Position(line || 0, character || 0);
    await vscode.window.showTextDocument(document,
      { selection: new vscode.Range(position, position), preview: false });
    return { languageId: document.languageId };
  },
  async waitDiagnostics({ file, source, code, present, timeoutMs }) {
    const matching = () => vscode.languages.getDiagnostics(uriOf(file))
      .filter((d) => d.source === source && (code === undefined || diagnosticJson(d).code === code));
    const found = await until(`${present ? '' : 'no '}${source} ${code || ''} diagnostic in ${file}`,
      timeoutMs, () => {
        const now = matching();
        return present ? (now.length > 0 && now) : (now.length === 0 && []);
      });
    return found.map(diagnosticJson);
  },
  async codeActions({ file, range }) {
    const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider',
      uriOf(file), toRange(range));
    return (actions || []).map((a) => ({ title: a.title, kind: a.kind && a.kind.value,
      edit: Boolean(a.edit), command: a.command && a.command.command }));
  },
  async text({ file }) {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file)
      || await vscode.workspace.openTextDocument(uriOf(file));
    return { text: document.getText(), dirty: document.isDirty };
  },
};

function toRange(r) {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

function serve(controlDir) {
  const server = http.createServer((request, response) => {
    const name = decodeURIComponent((request.url || '/').slice(1));
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', async () => {
      let status = 200;
      let result;
      try {
        const handler = handlers[name];
        if (!handler) { throw new Error(`no such driver request: ${name}`); }
        result = { ok: await handler(body ? JSON.parse(body) : {}) };
      } catch (error) {
        status = 500;
        result = { error: String(error && error.stack || error), details: error && error.details };
      }
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(result));
    });
  });
  server.listen(0, '127.0.0.1', () => {
    fs.writeFileSync(path.join(controlDir, 'driver.json'),
      JSON.stringify({ port: server.address().port, pid: process.pid }));
  });
  return server;
}

function activate(context) {
  const controlDir = vscode.workspace.getConfiguration('replaydbgE2e').get('controlDir');
  if (!controlDir) { return; }
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterTrackerFactory('*', {
      createDebugAdapterTracker(session) {
        return {
          onDidSendMessage(message) {
            if (message.type === 'event') {
              if (message.event === 'stopped') { stops.push({ sessionId: session.id, session: session.name, body: message.body, at: Date.now() }); }
              if (message.event === 'output') {
                record(session, { kind: 'output', category: message.body.category, text: message.body.output });
              } else {
                record(session, { kind: 'event', event: message.event, body: message.body });
              }
            } else if (message.type === 'response' && !message.success) {
              record(session, { kind: 'error', command: message.command, message: message.message, body: message.body });
            }
          },
          onWillReceiveMessage(message) {
            if (message.type === 'request') {
              requests[message.command] = (requests[message.command] || 0) + 1;
              requestTimes[message.command] = Date.now();
            }
          },
          onError(error) { record(session, { kind: 'error', message: String(error) }); },
          onExit(code, signal) { record(session, { kind: 'exit', code, signal }); },
        };
      },
    }),
    vscode.debug.onDidStartDebugSession((session) => { sessionsStarted.push(session.name); }),
    vscode.debug.onDidTerminateDebugSession((session) => { sessionsEnded.push(session.name); }));
  const server = serve(controlDir);
  context.subscriptions.push({ dispose: () => server.close() });
}

module.exports = { activate, deactivate() {} };
