import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { eventBreakpointName, parseEventBreakpoint, selects } from '../src/history/eventSelector';
import { eventDescription, eventLabel, eventLine, groupByWorkflowTask, History, HistoryModel,
  HistoryNode, runsCode, taskLabel } from '../src/history/historyModel';
import { FIXTURES } from './paths';

/** `temporal/history` answers of the adapter for two bundled examples. */
function load(name: string): History {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.history.json`), 'utf8')) as History;
}

function ids(nodes: HistoryNode[]): number[] {
  return nodes.map((node) => node.kind === 'event' ? node.event.eventId : -1);
}

describe('grouping by workflow task', () => {
  it('puts what a task received, its own events and its commands together', () => {
    const groups = groupByWorkflowTask(load('greeting').events);
    assert.deepStrictEqual(groups.map((g) => g.events.map((e) => e.eventId)), [
      [1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11], [12, 13, 14, 15, 16, 17], [18, 19, 20, 21, 22],
      [23, 24, 25, 26, 27, 28], [29, 30, 31, 32, 33, 34]]);
    assert.ok(groups.every((g) => g.outcome === 'completed'));
    assert.strictEqual(taskLabel(groups[0] ?? groups[1]!), 'Workflow task 1 · events 1–5');
  });

  it('ends a failed task at its failure: the retry is the next task', () => {
    const groups = groupByWorkflowTask(load('lifecycle').events);
    assert.deepStrictEqual(groups.map((g) => [g.events[0]?.eventId, g.outcome]),
      [[1, 'failed'], [5, 'completed'], [9, 'completed'], [15, 'completed']]);
    assert.deepStrictEqual(groups[3]?.events.map((e) => e.eventType).slice(-1),
      ['WorkflowExecutionContinuedAsNew']);
  });

  it('leaves a history that ends mid-task in a pending group', () => {
    const events = load('greeting').events.slice(0, 9);
    const groups = groupByWorkflowTask(events);
    assert.deepStrictEqual(groups.map((g) => g.outcome), ['completed', 'pending']);
  });
});

describe('event rows', () => {
  const events = load('greeting').events;
  const byId = (id: number) => events.find((e) => e.eventId === id)!;

  it('show id, type and short details', () => {
    assert.strictEqual(eventLabel(byId(7)), '#7 ActivityTaskCompleted');
    assert.strictEqual(eventDescription(byId(5)), 'fetch_profile · id=1');
    assert.strictEqual(eventDescription(byId(2)), 'queue=greeting');
  });

  it('point at the command line, else the line the code resumes on', () => {
    assert.deepStrictEqual(eventLine(byId(5)), byId(5).source);
    assert.match(eventLine(byId(5))?.file ?? '', /greeting\/workflows\.py$/);
    assert.deepStrictEqual(eventLine(byId(7)), byId(7).nextLine);
    assert.strictEqual(byId(7).source, null);
    assert.strictEqual(eventLine(byId(6)), null);
  });

  it('point an update completion at the line its handler ended on', () => {
    const start = { file: 'workflows.py', line: 139, function: 'apply_coupon' };
    const end = { ...start, line: 140 };
    const completed = { ...byId(7), eventType: 'WorkflowExecutionUpdateCompleted', role: 'command',
      source: null, nextLine: start, handlerEnd: end };
    assert.deepStrictEqual(eventLine(completed), end);
    assert.deepStrictEqual(eventLine({ ...completed, handlerEnd: undefined }), start);
  });
});

describe('HistoryModel', () => {
  it('is empty without a history', () => {
    const model = new HistoryModel();
    assert.deepStrictEqual(model.roots(), []);
  });

  it('lists event types first, then the workflow tasks', () => {
    const model = new HistoryModel();
    model.setHistory(load('greeting'));
    const roots = model.roots();
    assert.deepStrictEqual(roots.map((node) => node.kind), ['types', 'task', 'task', 'task',
      'task', 'task', 'task']);
    const types = model.children(roots[0]!);
    const timer = types.find((node) => node.kind === 'type' && node.eventType === 'TimerFired');
    assert.deepStrictEqual(timer, { kind: 'type', eventType: 'TimerFired', count: 1 });
    assert.deepStrictEqual(ids(model.children(roots[2]!)), [6, 7, 8, 9, 10, 11]);
  });

  it('highlights the current event and its task, and finds its parent to reveal it', () => {
    const model = new HistoryModel();
    model.setHistory(load('greeting'));
    model.setCurrent({ eventId: 18, description: 'Event 18 TimerFired (timer 1)', reason: 'breakpoint' });
    const node = model.eventNode(18)!;
    assert.ok(model.isCurrent(node));
    const parent = model.parent(node)!;
    assert.strictEqual(parent.kind === 'task' && parent.group.task, 4);
    assert.ok(model.isCurrent(parent));
    assert.ok(!model.isCurrent(model.eventNode(17)!));
    assert.ok(!model.isCurrent(model.roots()[1]!));
    assert.strictEqual(model.eventNode(999), undefined);
  });

  it('forgets the current event when a new history arrives', () => {
    const model = new HistoryModel();
    model.setHistory(load('greeting'));
    model.setCurrent({ eventId: 7, description: '', reason: 'breakpoint' });
    model.setHistory(load('lifecycle'));
    assert.strictEqual(model.getCurrent(), null);
  });

  it('reads breakpoints the way the adapter does: event:7, #7 and 7 are one event', () => {
    const model = new HistoryModel();
    model.setHistory(load('greeting'));
    model.setBreakpointNames(['#7', 'EVENT_TYPE_TIMER_FIRED', 'my_function', ' event : 11 ']);
    assert.ok(model.hasEventBreakpoint(7));
    assert.ok(model.hasEventBreakpoint(11));
    assert.ok(!model.hasEventBreakpoint(5));
    assert.ok(model.hasTypeBreakpoint('TimerFired'));
    assert.ok(!model.hasTypeBreakpoint('ActivityTaskCompleted'));
  });
});

describe('event breakpoint names', () => {
  it('parse ids, event types and protobuf names; ignore other function names', () => {
    assert.deepStrictEqual(parseEventBreakpoint('event:7'), { eventId: 7 });
    assert.deepStrictEqual(parseEventBreakpoint('#12'), { eventId: 12 });
    assert.deepStrictEqual(parseEventBreakpoint('3'), { eventId: 3 });
    assert.deepStrictEqual(parseEventBreakpoint('ActivityTaskCompleted'),
      { eventType: 'ActivityTaskCompleted' });
    assert.deepStrictEqual(parseEventBreakpoint('EVENT_TYPE_WORKFLOW_TASK_STARTED'),
      { eventType: 'WorkflowTaskStarted' });
    assert.strictEqual(parseEventBreakpoint('my_function'), undefined);
    assert.strictEqual(parseEventBreakpoint('module.func'), undefined);
  });

  it('name an event event:N, and match a target exactly', () => {
    assert.strictEqual(eventBreakpointName(7), 'event:7');
    assert.ok(selects('#7', { eventId: 7 }));
    assert.ok(!selects('#7', { eventId: 70 }));
    assert.ok(!selects('TimerFired', { eventId: 7 }));
    assert.ok(selects('TimerFired', { eventType: 'TimerFired' }));
    assert.ok(!selects('event:7', { eventType: 'TimerFired' }));
  });
});

describe('events the replay can run to', () => {
  it('are those workflow code runs for, by the adapter\'s rule', () => {
    // The adapter's stop_point over this map (replaydbg/dap/adapter/eventbp.py) gives these.
    assert.deepStrictEqual(load('greeting').events.filter(runsCode).map((e) => e.eventId),
      [1, 3, 5, 7, 9, 11, 13, 15, 17, 18, 20, 22]);
  });

  it('include an update\'s command events handled in workflow code', () => {
    const accepted = { ...load('greeting').events[4]!, eventType: 'WorkflowExecutionUpdateAccepted',
      source: null, jobPosition: 1 };
    assert.ok(runsCode(accepted));
    assert.ok(!runsCode({ ...accepted, jobPosition: null }));
    assert.ok(!runsCode({ ...accepted, activation: null }));
  });

  it('leave out a result that wakes no code and a command the SDK issued on its own', () => {
    const completed = load('greeting').events[6]!;  // #7 ActivityTaskCompleted: resumes code
    assert.ok(runsCode(completed));
    assert.ok(!runsCode({ ...completed, codeRuns: false }));
    const scheduled = load('greeting').events[4]!;  // #5 ActivityTaskScheduled, at its line
    assert.ok(runsCode({ ...scheduled, issued: 'line' }));
    assert.ok(runsCode({ ...scheduled, issued: 'raise' }));
    assert.ok(!runsCode({ ...scheduled, eventType: 'ActivityTaskCancelRequested', issued: '' }));
  });
});
