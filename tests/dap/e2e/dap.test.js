// End-to-end tests of `replaydbg dap` through a real DAP client (DebugClient).
// Run with: npm test (REPLAYDBG_PYTHON selects the interpreter; default python3).
'use strict';
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { DebugClient } = require('@vscode/debugadapter-testsupport');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');
const PYTHON = process.env.REPLAYDBG_PYTHON || 'python3';

function markers(file) {
  const found = {};
  fs.readFileSync(file, 'utf8').split('\n').forEach((text, i) => {
    const m = text.match(/#\s*@([\w-]+)/);
    if (m) { found[m[1]] = i + 1; }
  });
  return found;
}

const GREETING = path.join(EXAMPLES, 'greeting', 'workflows.py');
const ORIGINAL = path.join(EXAMPLES, 'greeting', 'original_workflows.py');
const ORDERS = path.join(EXAMPLES, 'orders', 'workflows.py');

function launchArgs(extra) {
  return Object.assign({ historyFile: 'greeting/history.json', cwd: EXAMPLES, python: PYTHON,
    workflow: 'greeting.original_workflows:GreetingWorkflow' }, extra);
}

async function topFrame(dc, threadId) {
  const trace = await dc.stackTraceRequest({ threadId });
  return trace.body.stackFrames[0];
}

async function stoppedAt(dc) {
  const event = await dc.waitForEvent('stopped', 60000);
  const frame = await topFrame(dc, event.body.threadId);
  return { event, frame };
}

describe('replaydbg dap', function () {
  let dc;
  beforeEach(async () => {
    dc = new DebugClient(PYTHON, '-mreplaydbg.dap', 'temporal-replay', { cwd: EXAMPLES }, true);
    await dc.start();
  });
  afterEach(async () => { await dc.stop(); });

  it('offers the Temporal exception filters, non-determinism on by default', async () => {
    const response = await dc.initializeRequest();
    const filters = response.body.exceptionBreakpointFilters;
    const nd = filters.find((f) => f.filter === 'temporal.nondeterminism');
    assert.ok(nd && nd.default === true);
    assert.ok(filters.find((f) => f.filter === 'temporal.activity'));
    assert.ok(response.body.supportsFunctionBreakpoints);
  });

  it('stops on history events by id and by type, on the user line', async () => {
    const m = markers(ORIGINAL);
    await dc.initializeRequest();
    const launched = dc.launchRequest(launchArgs());
    await dc.waitForEvent('initialized');
    const bps = await dc.setFunctionBreakpointsRequest({ breakpoints: [
      { name: 'event:7' }, { name: 'TimerFired' }, { name: '#6' }] });
    assert.deepStrictEqual(bps.body.breakpoints.map((b) => b.verified), [true, true, false]);
    await dc.configurationDoneRequest();
    await launched;
    let stop = await stoppedAt(dc);
    assert.strictEqual(stop.event.body.description, 'Event 7 ActivityTaskCompleted (fetch_profile)');
    assert.strictEqual(stop.event.body.reason, 'breakpoint');
    assert.strictEqual(stop.frame.source.path, ORIGINAL);
    assert.strictEqual(stop.frame.line, m.fetch + 1, 'the line after the resumed await');
    await dc.continueRequest({ threadId: stop.event.body.threadId });
    stop = await stoppedAt(dc);
    assert.strictEqual(stop.event.body.description, 'Event 18 TimerFired (timer 1)');
    assert.strictEqual(stop.frame.line, m.delay + 1);
    await dc.continueRequest({ threadId: stop.event.body.threadId });
    await dc.waitForEvent('terminated', 60000);
  });

  it('stops at the command site of a command event', async () => {
    const m = markers(ORIGINAL);
    await dc.initializeRequest();
    const launched = dc.launchRequest(launchArgs());
    await dc.waitForEvent('initialized');
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'ActivityTaskScheduled',
      hitCondition: '3' }] });
    await dc.configurationDoneRequest();
    await launched;
    const stop = await stoppedAt(dc);
    assert.strictEqual(stop.event.body.description, 'Event 22 ActivityTaskScheduled (send_email)');
    assert.strictEqual(stop.frame.line, m.send);
    await dc.continueRequest({ threadId: stop.event.body.threadId });
    await dc.waitForEvent('terminated', 60000);
  });

  it('stops at the non-deterministic line with exception info', async () => {
    const m = markers(GREETING);
    await dc.initializeRequest();
    const launched = dc.launchRequest(launchArgs({ workflow: 'greeting.workflows:GreetingWorkflow' }));
    await dc.waitForEvent('initialized');
    await dc.setExceptionBreakpointsRequest({ filters: ['temporal.nondeterminism'] });
    await dc.configurationDoneRequest();
    await launched;
    const stop = await stoppedAt(dc);
    assert.strictEqual(stop.event.body.reason, 'exception');
    assert.strictEqual(stop.frame.source.path, GREETING);
    assert.strictEqual(stop.frame.line, m.divergence);
    const info = await dc.exceptionInfoRequest({ threadId: stop.event.body.threadId });
    assert.match(info.body.description,
      /history event 22 is ActivityTaskScheduled\(send_email\) but .* issued activity send_sms/);
    await dc.continueRequest({ threadId: stop.event.body.threadId });
    await dc.waitForEvent('terminated', 60000);
  });

  it('stops on entry and steps like a Python debugger', async () => {
    const m = markers(ORIGINAL);
    await dc.initializeRequest();
    const launched = dc.launchRequest(launchArgs({ stopOnEntry: true }));
    await dc.waitForEvent('initialized');
    await dc.configurationDoneRequest();
    await launched;
    const stop = await stoppedAt(dc);
    assert.strictEqual(stop.event.body.description, 'Event 1 WorkflowExecutionStarted');
    assert.strictEqual(stop.frame.line, m.fetch);
    await dc.nextRequest({ threadId: stop.event.body.threadId });
    const stepped = await stoppedAt(dc);
    assert.strictEqual(stepped.frame.line, m.compose);
    await dc.continueRequest({ threadId: stop.event.body.threadId });
    await dc.waitForEvent('terminated', 60000);
  });

  it('steps from history event to history event', async () => {
    const m = markers(ORIGINAL);
    await dc.initializeRequest();
    const launched = dc.launchRequest(launchArgs({ stopOnEntry: true }));
    await dc.waitForEvent('initialized');
    await dc.configurationDoneRequest();
    await launched;
    let stop = await stoppedAt(dc);
    const threadId = stop.event.body.threadId;
    const seen = [];
    for (let i = 0; i < 3; i++) {
      const next = dc.customRequest('temporal/nextEvent', { threadId });
      stop = await stoppedAt(dc);
      await next;
      seen.push([stop.event.body.description, stop.frame.line]);
    }
    assert.deepStrictEqual(seen, [
      ['Event 5 ActivityTaskScheduled (fetch_profile)', m.fetch],
      ['Event 7 ActivityTaskCompleted (fetch_profile)', m.fetch + 1],
      ['Event 11 ActivityTaskScheduled (compose_greeting)', m.compose],
    ]);
    await dc.continueRequest({ threadId });
    await dc.waitForEvent('terminated', 60000);
  });

  it('honours line breakpoints in a signal handler', async () => {
    const m = markers(ORDERS);
    await dc.initializeRequest();
    const launched = dc.launchRequest({ historyFile: 'orders/history.json', cwd: EXAMPLES, python: PYTHON });
    await dc.waitForEvent('initialized');
    await dc.setBreakpointsRequest({ source: { path: ORDERS }, breakpoints: [{ line: m.on_approve }] });
    await dc.configurationDoneRequest();
    await launched;
    const stop = await stoppedAt(dc);
    assert.strictEqual(stop.frame.line, m.on_approve);
    assert.strictEqual(stop.frame.name, 'approve');
    await dc.continueRequest({ threadId: stop.event.body.threadId });
    await dc.waitForEvent('terminated', 60000);
  });

  it('returns the history summary', async () => {
    await dc.initializeRequest();
    const launched = dc.launchRequest(launchArgs());
    await dc.waitForEvent('initialized');
    const summary = await dc.customRequest('temporal/history');
    assert.strictEqual(summary.body.workflowType, 'GreetingWorkflow');
    assert.strictEqual(summary.body.events.length, 34);
    assert.strictEqual(summary.body.events[4].eventType, 'ActivityTaskScheduled');
    await dc.configurationDoneRequest();
    await launched;
    await dc.waitForEvent('terminated', 60000);
  });

  it('rejects a wrong launch attribute by name', async () => {
    await dc.initializeRequest();
    await assert.rejects(dc.launchRequest(launchArgs({ stopOnEntri: true })),
      /unknown launch attribute 'stopOnEntri'/);
  });

  it('reports a bad history and terminates cleanly', async () => {
    await dc.initializeRequest();
    const terminated = dc.waitForEvent('terminated', 30000);
    await assert.rejects(dc.launchRequest(launchArgs({ historyFile: 'no/such.json' })),
      /does not exist/);
    await terminated;
  });
});
