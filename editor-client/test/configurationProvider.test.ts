import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type * as vscode from 'vscode';
import { ApiKeyStore } from '../src/config/apiKeyStore';
import { defaultConfiguration } from '../src/config/launchArguments';
import { SettingsService } from '../src/config/settingsService';
import { ConfigurationProvider } from '../src/debug/configurationProvider';
import { InterpreterService } from '../src/python/interpreterService';
import { ROOT } from './paths';
import { answers, executed, resetFake, shown } from './support/fakeVscode';

interface Manifest {
  contributes: { debuggers: { type: string; initialConfigurations?: unknown[] }[] };
}

function provider(): vscode.DebugConfigurationProvider {
  const settings = { read: () => ({ temporal: { address: '', namespace: '', profile: '' } }) };
  const apiKeys = { get: () => Promise.resolve(undefined) };
  const interpreters = { current: () => Promise.resolve({ command: 'python3', source: 'default' }),
    ensureReplaydbg: () => Promise.resolve(true) };
  return new ConfigurationProvider(settings as unknown as SettingsService,
    apiKeys as unknown as ApiKeyStore, interpreters as unknown as InterpreterService);
}

/**
 * What "create a launch.json file" writes, as VS Code composes it: the debugger's
 * `initialConfigurations` from package.json, then what the provider's
 * `provideDebugConfigurations` returns.
 */
async function createdLaunchJson(configurationProvider: vscode.DebugConfigurationProvider)
  : Promise<unknown[]> {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
  const contributed = manifest.contributes.debuggers.find((d) => d.type === 'temporal-replay');
  const provided = await configurationProvider.provideDebugConfigurations?.(undefined) ?? [];
  return [...contributed?.initialConfigurations ?? [], ...provided];
}

describe('configuration provider', () => {
  beforeEach(resetFake);

  it('"create a launch.json" writes the history-file replay once', async () => {
    assert.deepStrictEqual(await createdLaunchJson(provider()), [defaultConfiguration()]);
  });

  it('F5 without launch.json launches that same configuration', async () => {
    const resolved = await provider().resolveDebugConfiguration?.(undefined,
      { type: '', request: '', name: '' });
    assert.deepStrictEqual(resolved, defaultConfiguration());
    const own = { type: 'temporal-replay', request: 'launch', name: 'mine', workflowId: 'w' };
    assert.strictEqual(await provider().resolveDebugConfiguration?.(undefined, own), own);
  });

  it('stops a launch it cannot run and says why, offering launch.json', async () => {
    answers.push('Open launch.json');
    const resolved = await provider().resolveDebugConfigurationWithSubstitutedVariables?.(
      undefined, { type: 'temporal-replay', request: 'launch', name: 'x' });
    assert.strictEqual(resolved, undefined);
    await new Promise((done) => { setImmediate(done); });
    assert.match(shown[0]?.[1] ?? '', /needs a "historyFile" or a "workflowId"/);
    assert.deepStrictEqual(executed, ['workbench.action.debug.configure']);
  });
});
