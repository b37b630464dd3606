import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { configuredHistories, findProject, orderHistories, replaydbgTable }
  from '../src/workflows/projectConfig';

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

describe('the project of a workflow file', () => {
  let workspace: string;
  beforeEach(() => { workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'replaydbg-project-')); });
  afterEach(() => { fs.rmSync(workspace, { recursive: true, force: true }); });

  function write(relative: string, text: string): string {
    const file = path.join(workspace, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  }

  it('is the nearest pyproject.toml with [tool.replaydbg], as the adapter finds it', () => {
    write('pyproject.toml', '[tool.replaydbg]\nhistories = ["top"]\n');
    write('services/orders/pyproject.toml', '[project]\nname = "orders"\n');  // no table
    const file = write('services/orders/app/workflows.py', '');
    assert.deepStrictEqual(findProject(file, workspace, readText),
      { root: workspace, histories: [path.join(workspace, 'top')] });
    write('services/orders/pyproject.toml', '[project]\nname = "orders"\n\n'
      + '[tool.replaydbg]  # replays\nplugins = ["app.worker:plugin"]\n'
      + 'histories = [\n  "tests/histories",  # saved from production\n  \'one.json\',\n]\n'
      + '\n[tool.ruff]\nhistories = ["not ours"]\n');
    const orders = path.join(workspace, 'services', 'orders');
    assert.deepStrictEqual(findProject(file, workspace, readText), { root: orders,
      histories: [path.join(orders, 'tests', 'histories'), path.join(orders, 'one.json')] });
  });

  it('is not looked for above the workspace folder, nor for a file outside it', () => {
    write('pyproject.toml', '[tool.replaydbg]\n');
    const inner = path.join(workspace, 'inner');
    const file = write('inner/flows.py', '');
    assert.strictEqual(findProject(file, inner, readText), undefined);
    assert.strictEqual(findProject(path.join(os.tmpdir(), 'x.py'), inner, readText), undefined);
  });

  it('reads only the histories of its own table', () => {
    assert.strictEqual(replaydbgTable('[tool.ruff]\nselect = ["E"]\n'), undefined);
    const table = replaydbgTable('[tool.replaydbg]\nselect = ["RDB1"]\n[tool.other]\nx = 1\n');
    assert.strictEqual(table, '\nselect = ["RDB1"]\n');
    assert.deepStrictEqual(configuredHistories(table), []);
    assert.deepStrictEqual(configuredHistories('histories = ["a", \'b/c\']'), ['a', 'b/c']);
  });

  it('offers the configured histories first, each file once', () => {
    assert.deepStrictEqual(orderHistories(['/p/h/b.json', '/p/h/a.json'], ['/p/x.json', '/p/h/a.json']),
      [{ file: '/p/h/b.json', configured: true }, { file: '/p/h/a.json', configured: true },
        { file: '/p/x.json', configured: false }]);
  });
});
