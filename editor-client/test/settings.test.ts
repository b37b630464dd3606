import * as assert from 'assert';
import { readSettings, serverSection } from '../src/config/settings';
import { chooseInterpreter, probeProblem } from '../src/python/interpreterChoice';

function from(values: Record<string, unknown>): (key: string) => unknown {
  return (key) => values[key];
}

describe('settings', () => {
  it('default to a working setup', () => {
    const settings = readSettings(from({}));
    assert.strictEqual(settings.interpreter, '');
    assert.deepStrictEqual(settings.lint, { enable: true, debounceMs: 200, replayHistories: true,
      patchBase: 'HEAD', rules: {} });
    assert.deepStrictEqual(settings.problems, []);
  });

  it('pass only the rule settings the user set to the server, by its names', () => {
    const settings = readSettings(from({ 'lint.select': ['RDB1'], 'lint.ignore': null,
      'lint.enable': false, 'lint.knownSafe': ['pkg.safe'], 'lint.replayHistories': false,
      'lint.patchBase': 'origin/main' }));
    assert.deepStrictEqual(serverSection(settings.lint), { enable: false, debounceMs: 200,
      replayHistories: false, patchBase: 'origin/main', select: ['RDB1'], knownSafe: ['pkg.safe'] });
  });

  it('replace a wrong-typed value by its default and say so', () => {
    const settings = readSettings(from({ 'lint.enable': 'yes', 'lint.select': 'RDB1',
      'dap.extraArgs': ['-v'] }));
    assert.strictEqual(settings.lint.enable, true);
    assert.deepStrictEqual(settings.lint.rules, {});
    assert.deepStrictEqual(settings.dapExtraArgs, ['-v']);
    assert.strictEqual(settings.problems.length, 2);
    assert.match(settings.problems.join(' '), /replaydbg\.lint\.enable .*wrong type/);
  });
});

describe('interpreter choice', () => {
  it('prefers the setting, then the Python extension, then python3', () => {
    assert.deepStrictEqual(chooseInterpreter('/venv/bin/python', '/other/python'),
      { command: '/venv/bin/python', source: 'setting' });
    assert.deepStrictEqual(chooseInterpreter('', '/other/python'),
      { command: '/other/python', source: 'python extension' });
    assert.deepStrictEqual(chooseInterpreter('', undefined), { command: 'python3', source: 'default' });
  });

  it('tells a missing interpreter from a missing replaydbg', () => {
    const python = { command: '/venv/bin/python', source: 'setting' as const };
    assert.strictEqual(probeProblem(python, null, ''), undefined);
    assert.match(probeProblem(python, { code: 'ENOENT' }, '') ?? '', /interpreter .* was not found/);
    assert.strictEqual(probeProblem(python, { code: 1 },
      '/venv/bin/python: No module named replaydbg\n'),
    'replaydbg is not installed in /venv/bin/python (setting).');
    assert.match(probeProblem(python, { code: 1 }, 'Traceback\nImportError: bad pygls\n') ?? '',
      /does not start .*ImportError: bad pygls/);
  });
});
