import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { isUnknownRequest } from '../src/debug/unknownRequest';
import { ROOT } from './paths';

interface MenuItem { command: string; when?: string; group?: string }
interface Manifest {
  contributes: {
    commands: { command: string; enablement?: string;
      icon?: string | { light: string; dark: string } }[];
    menus: Record<string, MenuItem[]>;
    keybindings: { command: string; key: string; when?: string }[];
  };
}
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
const NEXT_EVENT = 'temporalReplay.stepToNextEvent';

/** The .vscodeignore patterns used here: `*` within a name, `**` across folders. */
function globMatches(pattern: string, file: string): boolean {
  const source = pattern.split('**').map((part) => part.split('*')
    .map((text) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')).join('.*');
  return new RegExp(`^${source}$`).test(file);
}

function menu(id: string, command: string): MenuItem | undefined {
  return manifest.contributes.menus[id]?.find((item) => item.command === command);
}

describe('contributions', () => {
  it('put Step to Next History Event in the debug toolbar of replays, with a key', () => {
    assert.match(menu('debug/toolBar', NEXT_EVENT)?.when ?? '', /debugType == temporal-replay/);
    const key = manifest.contributes.keybindings.find((k) => k.command === NEXT_EVENT);
    assert.ok(key?.key);
    assert.match(key.when ?? '', /debugType == 'temporal-replay'/);
    // Like Step Over: usable at a stop only (the adapter moves on from the current stop).
    for (const id of [NEXT_EVENT, 'temporalReplay.runToEvent']) {
      const command = manifest.contributes.commands.find((c) => c.command === id);
      assert.match(command?.enablement ?? '', /debugState == stopped/, id);
    }
  });

  it('give Step to Next History Event its own icon, shipped in the .vsix', () => {
    const icon = manifest.contributes.commands.find((c) => c.command === NEXT_EVENT)?.icon;
    assert.ok(typeof icon === 'object', 'an icon of its own (not a codicon of another action)');
    const shipped = fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8').split('\n')
      .filter((line) => line.startsWith('!')).map((line) => line.slice(1));
    for (const file of [icon.light, icon.dark]) {
      assert.ok(fs.readFileSync(path.join(ROOT, file), 'utf8').includes('<svg'), file);
      assert.ok(shipped.some((pattern) => globMatches(pattern, file)), `${file} not packaged`);
    }
  });

  it('offer "Run to This Event" on history events workflow code runs for', () => {
    const item = menu('view/item/context', 'temporalReplay.runToEvent');
    assert.match(item?.when ?? '', /viewItem =~ \/runTo\//);
    assert.ok(!item?.group?.startsWith('inline'), 'in the context menu');
    const view = fs.readFileSync(path.join(ROOT, 'src', 'history', 'historyView.ts'), 'utf8');
    assert.match(view, /runsCode\(event\) \? ' runTo'/);
  });
});

describe('unknown requests', () => {
  it('are told from other failures by what debugpy answers for them', () => {
    const answer = 'Unable to create message from dict: {\'seq\': 7, \'type\': \'request\', '
      + '\'command\': \'temporal/runToEvent\'}. temporal/runToEvent not in [\'attach\', \'continue\']';
    assert.ok(isUnknownRequest(answer, 'temporal/runToEvent'));
    assert.ok(!isUnknownRequest('no workflow code runs for event 12 (ActivityTaskStarted): run to '
      + 'the event after it', 'temporal/runToEvent'));
    assert.ok(!isUnknownRequest('invalid request: \'temporal/runToEvent\': arguments.eventId must be '
      + 'an integer', 'temporal/runToEvent'));
  });
});
