import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { defaultConfiguration, isEmpty, LAUNCH_ATTRIBUTES, resolveConfiguration, withoutSecrets }
  from '../src/config/launchArguments';
import { ROOT } from './paths';

interface Debugger {
  type: string;
  variables: Record<string, string>;
  configurationAttributes: { launch: { properties: Record<string, unknown> } };
  initialConfigurations: Record<string, unknown>[];
  configurationSnippets: { label: string; body: Record<string, unknown> }[];
}
interface Manifest {
  contributes: { debuggers: Debugger[]; commands: { command: string }[] };
}
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
const contributed = manifest.contributes.debuggers[0];

/** A snippet body as it lands in launch.json: `^"\\${x}"` is inserted raw, `\\$` is a `$`. */
function unsnippet(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).map(([key, value]) => [key,
    typeof value === 'string' && value.startsWith('^"')
      ? value.slice(2, -1).replace(/\\\$/g, '$') : value]));
}

describe('launch arguments', () => {
  it('are the same attributes as package.json declares, in the same order', () => {
    assert.ok(contributed);
    assert.deepStrictEqual(Object.keys(contributed.configurationAttributes.launch.properties),
      [...LAUNCH_ATTRIBUTES]);
  });

  it('initial configuration and snippets use only declared attributes and variables', () => {
    assert.ok(contributed);
    const bodies = [...contributed.initialConfigurations,
      ...contributed.configurationSnippets.map((snippet) => snippet.body)];
    const commands = new Set(manifest.contributes.commands.map((c) => c.command));
    for (const body of bodies) {
      assert.strictEqual(body.type, 'temporal-replay');
      const text = JSON.stringify(body);
      for (const match of text.matchAll(/\{command:(\w+)\}/g)) {
        const variable = match[1] ?? '';
        assert.ok(commands.has(contributed.variables[variable] ?? ''), `variable ${variable}`);
      }
      const resolved = unsnippet(body);
      assert.strictEqual(resolveConfiguration(resolved, {}).kind, 'ok', text);
      assert.ok(['${command:pickHistoryFile}', '${command:askWorkflowId}']
        .includes(String(resolved.historyFile ?? resolved.workflowId)), text);
    }
    assert.deepStrictEqual(contributed.initialConfigurations[0], defaultConfiguration());
  });

  it('F5 without launch.json replays a picked history file, stopping on entry', () => {
    assert.ok(isEmpty({}));
    assert.ok(!isEmpty({ type: 'temporal-replay', request: 'launch', name: 'x' }));
    const config = defaultConfiguration();
    assert.strictEqual(config.historyFile, '${command:pickHistoryFile}');
    assert.strictEqual(config.stopOnEntry, true);
  });

  it('needs exactly one of historyFile and workflowId, and says how to fix it', () => {
    const neither = resolveConfiguration({ type: 'temporal-replay', name: 'x' }, {});
    assert.strictEqual(neither.kind, 'error');
    assert.match(neither.fix, /historyFile.*workflowId/);
    const both = resolveConfiguration({ historyFile: 'h.json', workflowId: 'w' }, {});
    assert.match(both.kind === 'error' ? both.message : '', /not both/);
    assert.strictEqual(resolveConfiguration({ historyFile: '', workflowId: 'w' }, {}).kind, 'ok');
  });

  it('rejects attributes the adapter does not know, listing the known ones', () => {
    const result = resolveConfiguration({ historyFile: 'h.json', histroyFile: 'typo' }, {});
    assert.strictEqual(result.kind, 'error');
    assert.match(result.message, /"histroyFile"/);
    assert.match(result.fix, /historyFile, workflowId/);
  });

  it('keeps VS Code keys and defaults cwd to the workspace folder', () => {
    const result = resolveConfiguration({ type: 'temporal-replay', request: 'launch', name: 'n',
      historyFile: 'h.json', preLaunchTask: 'build', __sessionId: 'abc' }, { folder: '/ws' });
    assert.deepStrictEqual(result.kind === 'ok' ? result.configuration : null, { type: 'temporal-replay',
      request: 'launch', name: 'n', historyFile: 'h.json', preLaunchTask: 'build',
      __sessionId: 'abc', cwd: '/ws' });
    const explicit = resolveConfiguration({ historyFile: 'h.json', cwd: '/elsewhere' }, { folder: '/ws' });
    assert.strictEqual(explicit.kind === 'ok' ? explicit.configuration.cwd : null, '/elsewhere');
  });

  it('fills server settings and the stored API key only for a workflow id', () => {
    const defaults = { address: 'temporal:7233', namespace: 'prod', profile: '', apiKey: 'secret' };
    const byId = resolveConfiguration({ workflowId: 'order-1001', namespace: 'dev' }, defaults);
    assert.deepStrictEqual(byId.kind === 'ok' ? byId.configuration : null, { name: 'Temporal replay',
      type: 'temporal-replay', request: 'launch', workflowId: 'order-1001', namespace: 'dev',
      address: 'temporal:7233', apiKey: 'secret' });
    const byFile = resolveConfiguration({ historyFile: 'h.json' }, defaults);
    assert.strictEqual(byFile.kind === 'ok' ? byFile.configuration.apiKey : 'x', undefined);
    assert.strictEqual(byFile.kind === 'ok' ? byFile.configuration.address : 'x', undefined);
  });

  it('never keeps a secret in what it stores', () => {
    assert.deepStrictEqual(withoutSecrets({ workflowId: 'w', apiKey: 'k', __sessionId: 's' }),
      { workflowId: 'w' });
  });
});
