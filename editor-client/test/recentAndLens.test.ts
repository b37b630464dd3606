import * as assert from 'assert';
import { forget, MAX_RECENT, newestOnce, remember, replayDescription, replayLabel, validEntries }
  from '../src/recent/recentReplays';
import { findWorkflowRuns, workflowReference } from '../src/workflows/workflowRuns';

describe('recent replays', () => {
  const at = 1_700_000_000_000;
  const file = (historyFile: string, startedAt = at) =>
    ({ configuration: { historyFile, cwd: '/ws', apiKey: 'k' }, startedAt });

  it('keeps the newest first, one entry per history, without secrets', () => {
    let list = remember([], file('/ws/a/history.json'));
    list = remember(list, file('/ws/b/history.json', at + 1));
    list = remember(list, file('/ws/a/history.json', at + 2));
    assert.deepStrictEqual(list.map(replayLabel), ['a/history.json', 'b/history.json']);
    assert.strictEqual(list[0]?.startedAt, at + 2);
    assert.ok(list.every((entry) => !('apiKey' in entry.configuration)));
  });

  it('keeps one entry per history file, however the launch named it', () => {
    const relative = { configuration: { historyFile: 'greeting/history.json', cwd: '/ws/examples',
      workflow: 'greeting.workflows:GreetingWorkflow' }, startedAt: at };
    const absolute = { configuration: { historyFile: '/ws/examples/greeting/history.json',
      cwd: '/ws/examples' }, startedAt: at + 1 };
    const fromFolder = { configuration: { historyFile: './greeting//history.json' },
      folder: 'file:///ws/examples', startedAt: at + 4 };
    const other = { configuration: { historyFile: '/ws/examples/orders/history.json' },
      startedAt: at + 2 };
    let list = remember([], relative);
    list = remember(list, absolute);
    assert.deepStrictEqual(list, [absolute]);
    list = remember(list, other);
    list = remember(list, fromFolder);
    assert.deepStrictEqual(list, [fromFolder, other]);
    // The CodeLens of the other workflow class replays the same history: still one row.
    const otherClass = { configuration: { ...relative.configuration,
      workflow: 'greeting.original_workflows:GreetingWorkflow' }, startedAt: at + 5 };
    assert.deepStrictEqual(remember(list, otherClass).map((e) => e.startedAt), [at + 5, at + 2]);
  });

  it('keeps one entry per workflow run and server', () => {
    const run = (extra: Record<string, string>, startedAt: number) =>
      ({ configuration: { workflowId: 'order-1001', ...extra }, startedAt });
    let list = remember([], run({}, at));
    list = remember(list, run({ name: 'again' }, at + 1));
    assert.deepStrictEqual(list.map((e) => e.startedAt), [at + 1]);
    list = remember(list, run({ runId: '01a1fddb' }, at + 2));
    list = remember(list, run({ namespace: 'prod' }, at + 3));
    assert.strictEqual(list.length, 3);
  });

  it('shows a stored list newest first, each history once', () => {
    const stored = [file('/ws/a.json', at), file('/ws/b.json', at + 5), file('/ws/a.json', at + 9),
      file('/ws/b.json', at + 1)];
    assert.deepStrictEqual(newestOnce(stored).map((e) => [e.configuration.historyFile, e.startedAt]),
      [['/ws/a.json', at + 9], ['/ws/b.json', at + 5]]);
  });

  it('caps the list and forgets entries', () => {
    let list: ReturnType<typeof remember> = [];
    for (let i = 0; i < MAX_RECENT + 3; i++) {
      list = remember(list, file(`/ws/h${i}.json`));
    }
    assert.strictEqual(list.length, MAX_RECENT);
    assert.strictEqual(forget(list, file('/ws/h12.json')).length, MAX_RECENT - 1);
  });

  it('labels replays of a workflow id and says when they ran', () => {
    const entry = { configuration: { workflowId: 'order-1001', runId: '01a1fddb-cfc6',
      workflow: 'orders.workflows:OrderWorkflow' }, startedAt: at };
    assert.strictEqual(replayLabel(entry), 'order-1001 (01a1fddb)');
    assert.strictEqual(replayDescription(entry, at + 5 * 60_000), 'OrderWorkflow · 5 min ago');
    assert.strictEqual(replayDescription(entry, at), 'OrderWorkflow · just now');
  });

  it('drops stored entries of the wrong shape', () => {
    assert.deepStrictEqual(validEntries('junk'), []);
    assert.strictEqual(validEntries([file('/a.json'), { configuration: 1 }, null]).length, 1);
  });
});

describe('workflow runs for the CodeLens', () => {
  const source = [
    'from temporalio import workflow',
    '',
    '@workflow.defn',
    'class GreetingWorkflow:',
    '    @workflow.run',
    '    async def run(self, name: str) -> str:',
    '        return name',
    '',
    '@workflow.defn(name="Other")',
    'class Other:',
    '    # a comment',
    '    @workflow.signal',
    '    def poke(self) -> None: ...',
    '',
    '    @temporalio.workflow.run',
    '    async def run(self) -> None: ...',
  ].join('\n');

  it('finds each @workflow.run and its class', () => {
    assert.deepStrictEqual(findWorkflowRuns(source), [
      { line: 4, className: 'GreetingWorkflow' }, { line: 14, className: 'Other' }]);
  });

  it('names the workflow module:Class from the path under the working directory', () => {
    assert.strictEqual(workflowReference('greeting/workflows.py', 'GreetingWorkflow'),
      'greeting.workflows:GreetingWorkflow');
    assert.strictEqual(workflowReference('pkg/__init__.py', 'W'), 'pkg:W');
    assert.strictEqual(workflowReference('../outside.py', 'W'), undefined);
    assert.strictEqual(workflowReference('my-dir/w.py', 'W'), undefined);
    assert.strictEqual(workflowReference('w.py', undefined), undefined);
  });
});
