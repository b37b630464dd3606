// End-to-end test of the packaged extension in real VS Code (code-server) driven by headless
// Chromium. Started by run.sh, which installs the tools and packages the two .vsix files;
// everything it needs comes from the environment (see `need` below).
//
// Scenario 1: a launch.json made of the extension's "replay a history file" snippet (history
// and workflow filled in), a `TimerFired` function breakpoint, F5: stop on entry, F5 again:
// stop at event 18 on the line after `await workflow.sleep(...)`, with the Temporal History
// view highlighting event 18; from there the debug toolbar's Step to Next History Event button
// (event 22), its key Shift+Alt+F10 (event 24) and the history view's "Run to This Event" back
// to event 18; F5 to the end, which the history view summarizes. Then the large batch history
// (the view is the new session's, no notification) and a launch that fails (one error dialog,
// with its hint and Open launch.json). Before that, the .vsix is checked to carry the replaydbg
// wheel. Scenario 2: a
// workflow calling `datetime.now()` in `run` gets the RDB101 squiggle; its quick fix, picked
// by title from the quick-fix menu, rewrites it to `workflow.now()` and the diagnostic goes
// away. Scenario 3: a fresh virtual environment as the interpreter; the offered "Install
// replaydbg" installs the .vsix's wheel into it, and a replay then runs there. A screenshot of
// each goes to artifacts.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const env = (name) => {
  const value = process.env[name];
  if (!value) { throw new Error(`run.mjs: ${name} is not set (start the test with run.sh)`); }
  return value;
};
const CODE_SERVER = env('E2E_CODE_SERVER');
const CHROMIUM = env('E2E_CHROMIUM');
const PYTHON = env('E2E_PYTHON');
const WORK = env('E2E_WORK');
const ARTIFACTS = env('E2E_ARTIFACTS');
const EXAMPLES = env('E2E_EXAMPLES');
const VSIXES = [env('E2E_VSIX'), env('E2E_DRIVER_VSIX')];
const BUDGET_MS = Number(process.env.E2E_BUDGET_MS || 8 * 60_000);

const WORKSPACE = path.join(WORK, 'examples');
const USER_DATA = path.join(WORK, 'user-data');
const EXTENSIONS = path.join(WORK, 'extensions');
const CONTROL = path.join(WORK, 'control');
const ORIGINAL = path.join(WORKSPACE, 'greeting', 'original_workflows.py');
const CLOCK = path.join(WORKSPACE, 'greeting', 'clock_workflows.py');
const OUR_FIX = /^Use workflow\.now\(\)/;

const started = Date.now();
const timings = {};
const log = (message) => {
  console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}`);
};

class Failure extends Error {}
const check = (condition, message) => { if (!condition) { throw new Failure(message); } };

// ---------------------------------------------------------------- processes

let server = null;
let browser = null;
const serverOutput = [];

function spawnLogged(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const lines = [];
  const keep = (chunk) => {
    for (const line of chunk.toString().split('\n')) {
      if (line.trim()) { lines.push(line); serverOutput.push(line); }
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return { child, lines };
}

async function run(command, args, timeoutMs) {
  const { child, lines } = spawnLogged(command, args, { env: codeServerEnv() });
  const code = await new Promise((resolve) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolve('timeout'); }, timeoutMs);
    child.on('exit', (status) => { clearTimeout(timer); resolve(status); });
  });
  check(code === 0, `${path.basename(command)} ${args.join(' ')} failed (${code}):\n${lines.join('\n')}`);
  return lines;
}

function codeServerEnv() {
  // Its own config and data directories: nothing is written to the user's ~/.config.
  return { ...process.env, XDG_CONFIG_HOME: path.join(WORK, 'xdg-config'),
    XDG_DATA_HOME: path.join(WORK, 'xdg-data'), XDG_CACHE_HOME: path.join(WORK, 'xdg-cache') };
}

const commonFlags = () => ['--config', path.join(WORK, 'code-server.yaml'),
  '--user-data-dir', USER_DATA, '--extensions-dir', EXTENSIONS];

async function startCodeServer() {
  const { child, lines } = spawnLogged(CODE_SERVER, [...commonFlags(), '--auth', 'none',
    '--bind-addr', '127.0.0.1:0', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--disable-proxy',
    '--ignore-last-opened', WORKSPACE], { env: codeServerEnv() });
  server = child;
  const exited = new Promise((resolve) => { child.on('exit', (code) => { resolve(code); }); });
  const url = await waitFor('code-server to listen', 60_000, async () => {
    const line = lines.find((l) => /HTTP server listening on http:\/\/127\.0\.0\.1:\d+/.test(l));
    if (child.exitCode !== null) {
      throw new Failure(`code-server exited (${child.exitCode}):\n${lines.join('\n')}`);
    }
    return line && line.match(/http:\/\/127\.0\.0\.1:\d+/)[0];
  });
  void exited;
  return url;
}

async function stopProcess(child, name) {
  if (!child || child.exitCode !== null || child.signalCode !== null) { return; }
  const exited = new Promise((resolve) => { child.on('exit', resolve); });
  child.kill('SIGTERM');
  const result = await Promise.race([exited, sleep(10_000).then(() => 'timeout')]);
  if (result === 'timeout') {
    log(`${name} ignored SIGTERM; killing it`);
    child.kill('SIGKILL');
    await Promise.race([exited, sleep(5_000)]);
  }
}

async function teardown() {
  if (driverPort) {
    // A replay still running (a failure mid-scenario) is stopped the way a user would.
    await driver('command', { id: 'workbench.action.debug.stop' }, 5_000)
      .then(() => driver('waitNoSession', { timeoutMs: 10_000 }, 10_000)).catch(() => {});
    driverPort = null;
  }
  if (browser) {
    await Promise.race([browser.close().catch(() => {}), sleep(15_000)]);
    browser = null;
  }
  await stopProcess(server, 'code-server');
  server = null;
}

// ---------------------------------------------------------------- helpers

function sleep(ms) { return new Promise((resolve) => { setTimeout(resolve, ms); }); }

async function waitFor(what, timeoutMs, probe) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) { return value; }
    } catch (error) {
      if (error instanceof Failure) { throw error; }
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Failure(`timed out after ${timeoutMs / 1000} s waiting for ${what}`
        + (last ? ` (last error: ${last.message})` : ''));
    }
    await sleep(250);
  }
}

let driverPort = null;

/** One request to the driver extension inside VS Code's extension host. */
async function driver(name, body = {}, timeoutMs = 30_000) {
  const response = await fetch(`http://127.0.0.1:${driverPort}/${name}`, {
    method: 'POST', body: JSON.stringify({ ...body, timeoutMs: body.timeoutMs ?? timeoutMs }),
    signal: AbortSignal.timeout(timeoutMs + 5_000) });
  const result = await response.json();
  if (result.error) {
    const details = result.details ? `\nrecent debug adapter messages:\n${format(result.details)}` : '';
    throw new Failure(`driver ${name} failed: ${result.error.split('\n')[0]}${details}`);
  }
  return result.ok;
}

const format = (value) => JSON.stringify(value, null, 1).slice(0, 6000);

function markers(file) {
  const found = {};
  fs.readFileSync(file, 'utf8').split('\n').forEach((text, i) => {
    const m = text.match(/#\s*@([\w-]+)/);
    if (m) { found[m[1]] = i + 1; }
  });
  return found;
}

async function step(name, body) {
  const t0 = Date.now();
  log(`${name}…`);
  await body();
  timings[name] = (Date.now() - t0) / 1000;
  log(`${name}: ok (${timings[name].toFixed(1)} s)`);
}

// ---------------------------------------------------------------- setup

/** The "replay a history file" snippet as VS Code inserts it (`^"..."` values are raw JSON). */
function snippetConfiguration() {
  const dir = fs.readdirSync(EXTENSIONS).find((d) => d.startsWith('replaydbg.replaydbg-'));
  check(dir, `the replaydbg extension is not in ${EXTENSIONS} after --install-extension`);
  const manifest = JSON.parse(fs.readFileSync(path.join(EXTENSIONS, dir, 'package.json'), 'utf8'));
  const debuggerEntry = manifest.contributes.debuggers.find((d) => d.type === 'temporal-replay');
  const snippet = debuggerEntry.configurationSnippets
    .find((s) => /replay a history file/i.test(s.label));
  check(snippet, 'no "replay a history file" snippet in the packaged package.json');
  const unescape = (value) => (typeof value === 'string' && value.startsWith('^"')
    ? JSON.parse(value.slice(1).replace(/\\\$/g, '$')) : value);
  return Object.fromEntries(Object.entries(snippet.body).map(([k, v]) => [k, unescape(v)]));
}

function prepareWorkspace() {
  fs.cpSync(EXAMPLES, WORKSPACE, { recursive: true,
    filter: (source) => !/(__pycache__|\.pytest_cache|\.vscode)$/.test(source) });
  fs.writeFileSync(CLOCK, [
    '"""A workflow that reads the wall clock (the end-to-end test\'s determinism problem)."""',
    '',
    'from datetime import datetime',
    '',
    'from temporalio import workflow',
    '',
    '',
    '@workflow.defn',
    'class ClockWorkflow:',
    '    @workflow.run',
    '    async def run(self) -> str:',
    '        started = datetime.now()',
    '        return started.isoformat()',
    '',
  ].join('\n'));
  fs.mkdirSync(path.join(USER_DATA, 'User'), { recursive: true });
  fs.writeFileSync(path.join(USER_DATA, 'User', 'settings.json'), JSON.stringify({
    'replaydbg.interpreter': PYTHON,
    'replaydbgE2e.controlDir': CONTROL,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'chat.disableAIFeatures': true,
    'editor.lightbulb.enabled': 'on',
    'window.commandCenter': false,
  }, null, 2));
  fs.mkdirSync(CONTROL, { recursive: true });
  fs.writeFileSync(path.join(WORK, 'code-server.yaml'), 'auth: none\n');
}

function writeLaunchJson() {
  const configuration = { ...snippetConfiguration(), historyFile: 'greeting/history.json',
    workflow: 'greeting.original_workflows:GreetingWorkflow' };
  check(configuration.type === 'temporal-replay' && configuration.stopOnEntry === true,
    `unexpected snippet: ${format(configuration)}`);
  fs.mkdirSync(path.join(WORKSPACE, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(WORKSPACE, '.vscode', 'launch.json'),
    JSON.stringify({ version: '0.2.0', configurations: [configuration] }, null, 2));
  log(`launch.json: ${JSON.stringify(configuration)}`);
}

// ---------------------------------------------------------------- page

let page = null;

async function screenshot(name) {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, timeout: 30_000 });
  log(`screenshot: ${file}`);
}

async function notifications() {
  if (!page) { return []; }
  return page.locator('.notification-list-item-message').allInnerTexts().catch(() => []);
}

/** Send a key to the page (VS Code's keybindings take it). */
async function press(key) {
  await page.keyboard.press(key);
}

/** The UI shows a debug stop: the stack-frame line in the editor, Continue in the toolbar. */
async function uiStopped() {
  await page.locator('.debug-top-stack-frame-line').first().waitFor({ timeout: 20_000 });
  await page.locator('.debug-toolbar .codicon-debug-continue').first().waitFor({ timeout: 20_000 });
}

/**
 * F5 on a stopped session: Continue. A key pressed while the workbench is still settling
 * (focus moving to the stopped line) can be dropped, so it is pressed again while VS Code
 * has sent no new `continue` request, which makes a second continue impossible.
 */
async function continueWithF5() {
  const before = (await driver('requests')).continue || 0;
  await waitFor('F5 to send a continue request', 20_000, async () => {
    await press('F5');
    for (let i = 0; i < 10; i += 1) {
      await sleep(200);
      if (((await driver('requests')).continue || 0) > before) { return true; }
    }
    log('F5 sent no continue request yet; pressing it again');
    return false;
  });
}

function pane(title) {
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: title }) });
}

/** What the history view shows, for a failure message: its header and rendered rows. */
async function historyRows() {
  const history = pane('Temporal History');
  const header = await history.locator('.pane-header').first().innerText({ timeout: 2_000 }).catch(() => '?');
  const expanded = await history.locator('.pane-header').first().getAttribute('aria-expanded', { timeout: 2_000 })
    .catch(() => '?');
  const rows = await history.locator('.monaco-list-row').evaluateAll((elements) => elements.map((element) =>
    `${element.getAttribute('aria-selected') === 'true' ? '*' : ' '} ${element.innerText.replace(/\s+/g, ' ')}`))
    .catch((error) => [`(rows unreadable: ${error.message})`]);
  return `history view "${header.replace(/\s+/g, ' ')}" (expanded: ${expanded}), ${rows.length} rows rendered `
    + `(* selected):\n${rows.join('\n')}`;
}

// ---------------------------------------------------------------- scenarios

/** For the screenshot only: a wide side bar, no panel, the other debug views collapsed. */
async function roomForTheHistory() {
  await driver('command', { id: 'workbench.action.closePanel' });
  for (const title of ['Variables', 'Watch', 'Breakpoints']) {
    const header = pane(title).locator('.pane-header').first();
    if (await header.getAttribute('aria-expanded') === 'true') { await header.click(); }
  }
  const sidebar = await page.locator('.part.sidebar').boundingBox();
  if (sidebar && sidebar.width < 500) {
    const x = sidebar.x + sidebar.width + 1;
    const y = sidebar.y + sidebar.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + 560 - sidebar.width, y, { steps: 8 });
    await page.mouse.up();
  }
  await sleep(500);
}

async function eventBreakpointScenario() {
  const m = markers(ORIGINAL);
  await step('breakpoint TimerFired (Breakpoints API) and the history view shown', async () => {
    const bps = await driver('setFunctionBreakpoints', { names: ['TimerFired'] });
    check(bps.length === 1 && bps[0].functionName === 'TimerFired', `breakpoints: ${format(bps)}`);
    await driver('command', { id: 'workbench.view.debug' });
    await driver('command', { id: 'temporalReplay.showHistory' });
    await pane('Temporal History').waitFor({ timeout: 20_000 });
    await pane('Breakpoints').getByText('TimerFired').first().waitFor({ timeout: 20_000 });
    await driver('command', { id: 'workbench.action.closeAuxiliaryBar' });
  });
  await step('F5: the snippet configuration stops on entry (event 1)', async () => {
    await page.locator('.part.editor').click();
    const pressed = Date.now();
    await press('F5');
    await waitFor('F5 to start a debug session', 45_000, async () =>
      (await driver('sessions')).started.length > 0).catch(async (error) => {
      throw new Failure(`${error.message}; notifications: ${format(await notifications())}`);
    });
    const stop = await driver('waitStop', { count: 1, timeoutMs: 90_000 }, 90_000).catch(async (error) => {
      throw new Failure(`${error.message}\nnotifications: ${format(await notifications())}`);
    });
    log(`stop 1: ${stop.description} at ${stop.frame?.path}:${stop.frame?.line}`);
    // The extension's part (configuration, interpreter, adapter start) is until VS Code
    // sends `initialize`; the adapter's from `launch` to the stop.
    const sent = await driver('requestTimes');
    log(`F5 -> initialize sent: ${sent.initialize - pressed} ms; launch -> stopped: `
      + `${stop.at - sent.launch} ms; F5 -> stopped: ${stop.at - pressed} ms`);
    check(stop.description === 'Event 1 WorkflowExecutionStarted',
      `first stop should be on entry, got ${format(stop)}`);
    check(stop.frame && stop.frame.path === ORIGINAL && stop.frame.line === m.fetch,
      `entry stop should be at ${ORIGINAL}:${m.fetch}, got ${format(stop.frame)}`);
    await uiStopped();
  });
  await step('F5: continue to the TimerFired event breakpoint (event 18)', async () => {
    await continueWithF5();
    const stop = await driver('waitStop', { count: 2, timeoutMs: 60_000 }, 60_000);
    log(`stop 2: ${stop.description} (${stop.reason}) at ${stop.frame?.path}:${stop.frame?.line}`);
    check(stop.description === 'Event 18 TimerFired (timer 1)' && stop.reason === 'breakpoint',
      `second stop should be the TimerFired breakpoint, got ${format(stop)}`);
    check(stop.frame && stop.frame.path === ORIGINAL && stop.frame.line === m.delay + 1,
      `TimerFired should stop on the line after the sleep, ${ORIGINAL}:${m.delay + 1}; got ${format(stop.frame)}`);
    const editor = await waitFor('the editor to show the stopped line', 20_000, async () => {
      const e = await driver('editor');
      return e && e.path === ORIGINAL && e.line === m.delay + 1 && e;
    });
    log(`editor: ${editor.path}:${editor.line}`);
    await uiStopped();
  });
  await step('the Temporal History view highlights event 18', async () => {
    const history = pane('Temporal History');
    const row = history.locator('.monaco-list-row', { hasText: '#18 TimerFired' });
    await waitFor('row "#18 TimerFired" selected with the stack-frame icon', 30_000, async () => {
      const selected = await row.getAttribute('aria-selected', { timeout: 1_000 });
      const icon = await row.locator('.codicon-debug-stackframe').count();
      return selected === 'true' && icon === 1;
    }).catch(async (error) => { throw new Failure(`${error.message}\n${await historyRows()}`); });
    const others = await history.locator('.monaco-list-row[aria-selected="true"]').allInnerTexts();
    check(others.length === 1, `exactly one selected history row expected, got ${format(others)}`);
    await history.getByText('Stopped: Event 18 TimerFired').first().waitFor({ timeout: 10_000 });
    await roomForTheHistory();
    // The layout changed: the tree renders its rows again; event 18 must come back selected.
    await waitFor('event 18 still selected after the layout change', 10_000, async () =>
      await row.getAttribute('aria-selected', { timeout: 1_000 }) === 'true')
      .catch(async (error) => { throw new Failure(`${error.message}\n${await historyRows()}`); });
    await screenshot('1-event-breakpoint-history');
  });
  await byEventScenario();
  await step('F5: the replay runs to its end, and the history view says how it ended', async () => {
    await continueWithF5();
    await driver('waitNoSession', { timeoutMs: 60_000 }, 60_000);
    const stops = await driver('stops');
    check(stops.length === 6, `no further stops expected, got ${format(stops)}`);
    await pane('Temporal History').getByText('Replay finished: 34 events replayed deterministically')
      .first().waitFor({ timeout: 20_000 });
    await screenshot('5-replay-summary');
  });
}

/**
 * After the greeting session: the batch example (10,548 events, mapped in seconds) asks for
 * its history before the map is there. The view is the new session's at once, then shows
 * BatchWorkflow with its entry event, and no toast says anything.
 */
async function largeHistoryScenario() {
  await step('a replay of the large batch history after the greeting one: the view is its own', async () => {
    await driver('setFunctionBreakpoints', { names: [] });
    const before = (await driver('stops')).length;
    await driver('startDebugging', { configuration: { type: 'temporal-replay', request: 'launch',
      name: 'Replay batch', historyFile: 'batch/history.json', workflow: 'batch.workflows:BatchWorkflow',
      cwd: WORKSPACE, stopOnEntry: true } });
    const history = pane('Temporal History');
    const stop = await driver('waitStop', { count: before + 1, timeoutMs: 120_000 }, 120_000);
    check(stop.description === 'Event 1 WorkflowExecutionStarted', `entry stop expected, got ${format(stop)}`);
    await waitFor('the history view to show BatchWorkflow with #1 selected', 120_000, async () => {
      const header = await history.locator('.pane-header').first().innerText();
      const row = history.locator('.monaco-list-row', { hasText: '#1 WorkflowExecutionStarted' });
      return /BatchWorkflow/.test(header) && await row.first().getAttribute('aria-selected', { timeout: 1_000 }) === 'true';
    });
    const rows = await history.locator('.monaco-list-row').allInnerTexts();
    check(!rows.some((r) => /TimerFired|fetch_profile/.test(r)), `greeting rows left in the view: ${format(rows)}`);
    const toasts = await notifications();
    check(toasts.length === 0, `no notification expected, got ${format(toasts)}`);
    await screenshot('6-batch-history-after-greeting');
    await driver('command', { id: 'workbench.action.debug.stop' });
    await driver('waitNoSession', { timeoutMs: 30_000 }, 30_000);
  });
}

/** A launch that cannot replay (two classes have the history's workflow type): one error. */
async function launchErrorScenario() {
  await step('a launch error is one message, with its hint and Open launch.json', async () => {
    await driver('startDebugging', { configuration: { type: 'temporal-replay', request: 'launch',
      name: 'Replay greeting (no workflow)', historyFile: 'greeting/history.json', cwd: WORKSPACE } });
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.getByText('several workflows have type', { exact: false }).first()
      .waitFor({ timeout: 90_000 });
    const text = await dialog.first().innerText();
    check(/launch attribute "workflow"/.test(text) && /Open 'launch\.json'/.test(text),
      `the hint and the Open launch.json action expected, got ${format(text)}`);
    await sleep(3_000);  // what else the failure would show comes within this
    const toasts = await notifications();
    check(toasts.length === 0, `the dialog alone expected, notifications: ${format(toasts)}`);
    check(await dialog.count() === 1, 'one dialog expected');
    await screenshot('7-launch-error');
    await page.keyboard.press('Escape');
    await pane('Temporal History').getByText('No history to show', { exact: false }).first()
      .waitFor({ timeout: 20_000 });
    await driver('waitNoSession', { timeoutMs: 30_000 }, 30_000);
  });
}

/**
 * A custom request sent by a click or key, which a workbench still settling may drop: the
 * action is taken again while VS Code has sent no new `command` request.
 */
async function sendsRequest(command, what, act) {
  const before = (await driver('requests'))[command] || 0;
  await waitFor(`${what} to send ${command}`, 20_000, async () => {
    await act();
    for (let i = 0; i < 10; i += 1) {
      await sleep(200);
      if (((await driver('requests'))[command] || 0) > before) { return true; }
    }
    log(`${what} sent no ${command} yet; again`);
    return false;
  });
}

async function stopNumber(count, expected) {
  const stop = await driver('waitStop', { count, timeoutMs: 60_000 }, 60_000);
  log(`stop ${count}: ${stop.description} (${stop.reason}) at ${stop.frame?.path}:${stop.frame?.line}`);
  check(stop.description?.startsWith(expected), `stop ${count} should be "${expected}…", got ${format(stop)}`);
  await uiStopped();
  return stop;
}

/** From event 18: the toolbar's next-event button, its key, and "Run to This Event" back. */
async function byEventScenario() {
  const button = page.locator('.debug-toolbar .action-item a[aria-label^="Step to Next History Event"]');
  await step('the debug toolbar shows Step to Next History Event, with its own icon', async () => {
    await button.first().waitFor({ timeout: 20_000 });
    const icon = await button.first().evaluate((a) => [a, ...a.querySelectorAll('*')]
      .map((e) => { const css = getComputedStyle(e); return css.backgroundImage + css.maskImage; })
      .join(' '));
    check(/next-event-(dark|light)\.svg/.test(icon), `the button should show next-event-*.svg, got ${icon}`);
    log(`toolbar button: ${await button.first().getAttribute('aria-label')}`);
    await page.locator('.debug-toolbar').screenshot({ path: path.join(ARTIFACTS, '3-debug-toolbar.png') });
    await screenshot('3-next-event-button');
  });
  await step('the toolbar button steps to the next event (22)', async () => {
    await sendsRequest('temporal/nextEvent', 'the toolbar button', () => button.first().click());
    await stopNumber(3, 'Event 22 ActivityTaskScheduled');
  });
  await step('Shift+Alt+F10 steps to the next event (24)', async () => {
    await sendsRequest('temporal/nextEvent', 'Shift+Alt+F10', () => press('Shift+Alt+F10'));
    await stopNumber(4, 'Event 24 ActivityTaskCompleted');
  });
  await step('Step Back from event 24 goes back to event 22 (timed)', async () => {
    const back = page.locator('.debug-toolbar .action-item a.codicon-debug-step-back, '
      + '.debug-toolbar .action-item a[aria-label^="Step Back"]');
    await back.first().waitFor({ timeout: 20_000 });
    await sendsRequest('stepBack', 'the toolbar\'s Step Back', () => back.first().click());
    const stop = await stopNumber(5, 'Event 22 ActivityTaskScheduled');
    const sent = (await driver('requestTimes')).stepBack;
    log(`Step Back 24 -> 22: ${stop.at - sent} ms from the stepBack request to the stopped event`);
    await screenshot('4-step-back');
  });
  await step('"Run to This Event" on #18 in the history view goes back to it', async () => {
    const row = pane('Temporal History').locator('.monaco-list-row', { hasText: '#18 TimerFired' });
    const item = page.locator('.context-view .action-item', { hasText: 'Run to This Event' });
    await sendsRequest('temporal/runToEvent', 'the context menu', async () => {
      await row.first().click({ button: 'right', timeout: 10_000 });
      await item.first().waitFor({ timeout: 5_000 });
      await screenshot('4-run-to-this-event-menu');
      await item.first().click();
    });
    await stopNumber(6, 'Event 18 TimerFired');
  });
}

/**
 * The interpreter is a fresh virtual environment without replaydbg: a replay offers "Install
 * replaydbg", which installs the wheel the .vsix carries (its dependencies from PyPI), and
 * the replay then runs in that environment.
 */
async function installScenario() {
  const fresh = path.join(WORK, 'fresh-venv');
  const freshPython = path.join(fresh, 'bin', 'python');
  const greeting = { type: 'temporal-replay', request: 'launch', historyFile: 'greeting/history.json',
    workflow: 'greeting.original_workflows:GreetingWorkflow', cwd: WORKSPACE, stopOnEntry: true };
  await step('a fresh venv as the interpreter: "Install replaydbg" installs the bundled wheel', async () => {
    const base = (await run(PYTHON, ['-c', 'import sys; print(sys._base_executable)'], 30_000))
      .join('\n').trim().split('\n').pop();
    await run(base, ['-m', 'venv', fresh], 120_000);
    const imported = await run(freshPython, ['-I', '-c', 'import importlib.util as u; print(u.find_spec("replaydbg") is None)'], 30_000);
    check(imported.join('').includes('True'), `the fresh venv should lack replaydbg: ${format(imported)}`);
    await driver('setSetting', { section: 'replaydbg', key: 'interpreter', value: freshPython });
    await driver('startDebugging', { configuration: { ...greeting, name: 'Replay greeting (fresh venv)' } });
    const install = page.locator('.notification-toast .monaco-button', { hasText: 'Install replaydbg' });
    await install.first().waitFor({ timeout: 60_000 }).catch(async (error) => {
      throw new Failure(`no "Install replaydbg" offered (${error.message}); notifications: ${format(await notifications())}`);
    });
    await sleep(800);  // the toast slides in
    await screenshot('8-install-offered');
    const clicked = Date.now();
    await install.first().click();
    await waitFor('replaydbg to be installed into the fresh venv', 300_000, async () =>
      await run(freshPython, ['-I', '-c', 'import replaydbg'], 30_000).then(() => true, () => false));
    log(`installed from the bundled wheel in ${((Date.now() - clicked) / 1000).toFixed(1)} s`);
    await screenshot('8-installed');
  });
  await step('the replay then runs in the fresh venv: F5 stops on entry', async () => {
    const before = (await driver('stops')).length;
    await driver('startDebugging', { configuration: { ...greeting, name: 'Replay greeting (installed)' } });
    await stopNumber(before + 1, 'Event 1 WorkflowExecutionStarted');
    await screenshot('8-replay-in-fresh-venv');
    await driver('command', { id: 'workbench.action.debug.stop' });
    await driver('waitNoSession', { timeoutMs: 30_000 }, 30_000);
  });
}

async function quickFixScenario() {
  let diagnostic;
  await step('RDB101 diagnostic inline on datetime.now()', async () => {
    await driver('open', { file: CLOCK, line: 11, character: 18 });
    const found = await driver('waitDiagnostics',
      { file: CLOCK, source: 'replaydbg', code: 'RDB101', present: true, timeoutMs: 60_000 }, 60_000);
    diagnostic = found[0];
    log(`diagnostic: ${diagnostic.code} ${diagnostic.message} at line ${diagnostic.range.start.line + 1}`);
    check(diagnostic.range.start.line === 11, `RDB101 expected on line 12, got ${format(diagnostic)}`);
    await page.locator('.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning').first()
      .waitFor({ timeout: 20_000 });
  });
  let title;
  await step('quick fix listed (filtered by our titles) and picked from the menu', async () => {
    const actions = await driver('codeActions', { file: CLOCK, range: diagnostic.range });
    const ours = actions.filter((a) => a.kind === 'quickfix' && OUR_FIX.test(a.title));
    check(ours.length === 1, `one "Use workflow.now()" quick fix expected among ${format(actions)}`);
    title = ours[0].title;
    log(`code actions: ${actions.map((a) => a.title).join(' | ')}`);
    await driver('open', { file: CLOCK, line: diagnostic.range.start.line,
      character: diagnostic.range.start.character + 2 });
    const item = page.locator('.action-widget .monaco-list-row', { hasText: title });
    await waitFor(`"${title}" in the quick-fix menu`, 30_000, async () => {
      // The cursor into the squiggle by a click, then the quick-fix key.
      await page.locator('.monaco-editor .view-line span[class^="mtk"]', { hasText: 'datetime.now' })
        .first().click({ timeout: 5_000 });
      await press('Control+.');
      try {
        await item.first().waitFor({ timeout: 5_000 });
        return true;
      } catch {
        log(`quick-fix menu without "${title}" yet: ${format(await page.locator('.action-widget').allInnerTexts())}`);
        await press('Escape');
        return false;
      }
    });
    await screenshot('2-diagnostic-quickfix-menu');
    await item.first().click();
  });
  await step('the quick fix is applied and the diagnostic clears', async () => {
    const fixed = await waitFor('the fix in the document', 20_000, async () => {
      const doc = await driver('text', { file: CLOCK });
      return doc.text.includes('started = workflow.now()') && doc;
    });
    check(!fixed.text.includes('datetime.now()'), `datetime.now() still there:\n${fixed.text}`);
    await driver('waitDiagnostics',
      { file: CLOCK, source: 'replaydbg', code: 'RDB101', present: false, timeoutMs: 30_000 }, 30_000);
    await waitFor('the squiggle to go', 20_000, async () => (await page.locator(
      '.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning').count()) === 0);
    await screenshot('2-quickfix-applied');
  });
}

// ---------------------------------------------------------------- main

async function main() {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await step('workspace, settings and launch.json', async () => { prepareWorkspace(); });
  await step('install the .vsix files into code-server', async () => {
    for (const vsix of VSIXES) {
      await run(CODE_SERVER, [...commonFlags(), '--force', '--install-extension', vsix], 120_000);
    }
    writeLaunchJson();
  });
  await step('the .vsix carries the replaydbg wheel, and it is installed with the extension', async () => {
    const listing = (await run(PYTHON, ['-m', 'zipfile', '-l', VSIXES[0]], 30_000)).join('\n');
    check(/extension\/wheels\/replaydbg-[\d.]+-py3-none-any\.whl/.test(listing),
      `no replaydbg wheel in ${VSIXES[0]}:\n${listing}`);
    const dir = fs.readdirSync(EXTENSIONS).find((d) => d.startsWith('replaydbg.replaydbg-'));
    const wheels = fs.readdirSync(path.join(EXTENSIONS, dir, 'wheels'));
    check(wheels.some((name) => /^replaydbg-.+\.whl$/.test(name)), `installed wheels: ${format(wheels)}`);
    log(`wheel: ${wheels.join(', ')}`);
  });
  let url;
  await step('start code-server', async () => { url = await startCodeServer(); });
  await step('open examples/ in headless Chromium', async () => {
    // codeServerEnv: Chromium's crash reports go to $XDG_CONFIG_HOME/chromium, not ~/.config.
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, chromiumSandbox: false,
      env: codeServerEnv(), timeout: 60_000, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] });
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    page = await context.newPage();
    const consoleLog = fs.createWriteStream(path.join(ARTIFACTS, 'browser-console.log'));
    page.on('console', (message) => { consoleLog.write(`${message.type()}: ${message.text()}\n`); });
    await page.goto(`${url}/?folder=${encodeURIComponent(WORKSPACE)}`, { timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const control = path.join(CONTROL, 'driver.json');
    driverPort = (await waitFor('the driver extension to start', 90_000, async () =>
      fs.existsSync(control) && JSON.parse(fs.readFileSync(control, 'utf8')))).port;
    const status = await driver('status');
    log(`VS Code ${status.version}, folders ${status.folders.join(', ')}, replaydbg ${format(status.replaydbg)}`);
    check(status.folders.length === 1 && status.folders[0] === WORKSPACE, 'examples/ is not the open folder');
    check(status.replaydbg, 'the replaydbg extension is not installed');
    await driver('activate', { timeoutMs: 60_000 }, 60_000);
  });
  await eventBreakpointScenario();
  await largeHistoryScenario();
  await launchErrorScenario();
  await quickFixScenario();
  await installScenario();
}

/** What there is to see of a failure: a screenshot, the notifications, the logs. */
async function reportFailure(message) {
  console.error(`e2e: FAILED: ${message}`);
  if (page) {
    await page.screenshot({ path: path.join(ARTIFACTS, 'failure.png'), timeout: 15_000 })
      .then(() => { console.error(`e2e: screenshot of the failure: ${path.join(ARTIFACTS, 'failure.png')}`); })
      .catch(() => {});
    console.error(`e2e: notifications: ${format(await notifications())}`);
  }
  if (driverPort) {
    await driver('adapterLog', {}, 5_000).then((entries) => {
      fs.writeFileSync(path.join(ARTIFACTS, 'adapter-log.json'), JSON.stringify(entries, null, 1));
      console.error(`e2e: debug adapter messages: ${path.join(ARTIFACTS, 'adapter-log.json')}`);
    }).catch(() => {});
  }
  fs.writeFileSync(path.join(ARTIFACTS, 'code-server.log'), serverOutput.join('\n'));
  console.error(`e2e: code-server output: ${path.join(ARTIFACTS, 'code-server.log')}`);
}

let timedOut = false;
const watchdog = setTimeout(() => {
  timedOut = true;
  void reportFailure(`over the time budget of ${BUDGET_MS / 1000} s`)
    .finally(() => teardown()).finally(() => process.exit(1));
}, BUDGET_MS);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => { void teardown().finally(() => process.exit(1)); });
}
let exitCode = 0;
try {
  await main();
  log(`PASSED; timings (s): ${JSON.stringify(timings)}`);
} catch (error) {
  exitCode = 1;
  if (!timedOut) { await reportFailure(error instanceof Failure ? error.message : error.stack); }
} finally {
  clearTimeout(watchdog);
  if (!timedOut) { await teardown(); }
}
if (!timedOut) { process.exit(exitCode); }
