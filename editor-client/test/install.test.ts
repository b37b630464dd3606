import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type * as vscode from 'vscode';
import { Installer } from '../src/python/installer';
import { findWheel, MANAGED_PROBE, needsVirtualEnvironment, parseManagedProbe, pipInstallArguments,
  venvPython } from '../src/python/replaydbgWheel';
import { answers, progress, resetFake, shown, updated } from './support/fakeVscode';

describe('the replaydbg wheel', () => {
  it('is found among the files the .vsix carries, the newest first', () => {
    assert.strictEqual(findWheel(['replaydbg-0.1.0-py3-none-any.whl']),
      'replaydbg-0.1.0-py3-none-any.whl');
    assert.strictEqual(findWheel(['replaydbg-0.9.0-py3-none-any.whl', 'README.md',
      'replaydbg-0.10.0-py3-none-any.whl', 'replaydbg-0.2.0.dev1-py3-none-any.whl']),
    'replaydbg-0.10.0-py3-none-any.whl');
    assert.strictEqual(findWheel(['temporalio-1.35.0-py3-none-any.whl', 'replaydbg.whl',
      'replaydbg-0.1.0.tar.gz']), undefined);
    assert.strictEqual(findWheel([]), undefined);
  });

  it('goes into a .venv when pip refuses the interpreter or has no pip', () => {
    assert.ok(needsVirtualEnvironment('error: externally-managed-environment\n\n× This environment is externally managed'));
    assert.ok(needsVirtualEnvironment('/usr/bin/python3: No module named pip\n'));
    assert.ok(!needsVirtualEnvironment('ERROR: Could not find a version that satisfies the requirement temporalio'));
    assert.strictEqual(venvPython('/ws', 'linux'), '/ws/.venv/bin/python');
    assert.strictEqual(venvPython('C:\\ws', 'win32'), 'C:\\ws\\.venv\\Scripts\\python.exe');
    assert.deepStrictEqual(pipInstallArguments('/x/replaydbg.whl').slice(-1), ['/x/replaydbg.whl']);
    assert.strictEqual(parseManagedProbe('managed\n'), true);
    assert.strictEqual(parseManagedProbe('free\n'), false);
    assert.strictEqual(parseManagedProbe(''), undefined);
  });
});

/** Debian's own Python, managed by the system (PEP 668), if this machine has one. */
function managedSystemPython(): string | undefined {
  const python = '/usr/bin/python3';
  try {
    const stdlib = execFileSync(python, ['-c', 'import sysconfig; print(sysconfig.get_path("stdlib"))'])
      .toString().trim();
    return fs.existsSync(path.join(stdlib, 'EXTERNALLY-MANAGED')) ? python : undefined;
  } catch {
    return undefined;
  }
}

/** A wheel of a stand-in `replaydbg` package (no dependencies: pip needs no index). */
function standInWheel(extension: string): void {
  fs.mkdirSync(path.join(extension, 'wheels'), { recursive: true });
  const script = [
    'import sys, zipfile',
    'info = "replaydbg-0.0.1.dist-info/"',
    'with zipfile.ZipFile(sys.argv[1], "w") as whl:',
    '    whl.writestr("replaydbg/__init__.py", "STAND_IN = True\\n")',
    '    whl.writestr(info + "METADATA", "Metadata-Version: 2.1\\nName: replaydbg\\nVersion: 0.0.1\\n")',
    '    whl.writestr(info + "WHEEL", "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")',
    '    whl.writestr(info + "RECORD", "")',
  ].join('\n');
  execFileSync('python3', ['-c', script,
    path.join(extension, 'wheels', 'replaydbg-0.0.1-py3-none-any.whl')]);
}

describe('installing replaydbg from the wheel', function () {
  this.timeout(180_000);
  const system = managedSystemPython();
  let work = '';
  let installer: Installer;
  let folder: vscode.WorkspaceFolder;

  before(function () {
    if (system === undefined) {
      this.skip(); // no PEP 668 interpreter here to install into
    }
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'replaydbg-install-'));
    standInWheel(path.join(work, 'extension'));
    fs.mkdirSync(path.join(work, 'project'));
    installer = new Installer(path.join(work, 'extension'));
    folder = { name: 'project', index: 0, uri: { fsPath: path.join(work, 'project') } } as
      unknown as vscode.WorkspaceFolder;
  });
  after(() => {
    if (work) {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
  beforeEach(resetFake);

  it('tells a managed interpreter from a virtual environment of it', () => {
    const probe = (python: string): boolean | undefined =>
      parseManagedProbe(execFileSync(python, ['-c', MANAGED_PROBE]).toString());
    assert.strictEqual(probe(system ?? ''), true);
    const venv = path.join(work, 'bare');
    execFileSync(system ?? '', ['-m', 'venv', '--without-pip', venv]);
    assert.strictEqual(probe(path.join(venv, 'bin', 'python')), false);
  });

  it('makes a .venv in the folder for a managed interpreter, installs there and selects it', async () => {
    answers.push('Create .venv');
    const python = venvPython(folder.uri.fsPath);
    const installed = await installer.install({ command: system ?? '', source: 'default' }, folder);
    assert.strictEqual(installed, python, JSON.stringify(shown));
    assert.match(shown[0]?.[1] ?? '', /managed by the system \(PEP 668\)/);
    assert.deepStrictEqual(shown[0]?.slice(2), ['Create .venv']);
    assert.deepStrictEqual(progress, ['Creating .venv in project', 'Installing replaydbg into .venv']);
    assert.deepStrictEqual(updated, [['replaydbg.interpreter', python, 2]]);
    assert.strictEqual(execFileSync(python, ['-c', 'import replaydbg; print(replaydbg.STAND_IN)'])
      .toString().trim(), 'True');
  });

  it('installs into an interpreter pip may change, leaving the settings alone', async () => {
    const python = venvPython(folder.uri.fsPath);
    execFileSync(python, ['-m', 'pip', 'uninstall', '-y', '-q', 'replaydbg']);
    const installed = await installer.install({ command: python, source: 'setting' }, folder);
    assert.strictEqual(installed, python, JSON.stringify(shown));
    assert.deepStrictEqual(progress, [`Installing replaydbg into ${python}`]);
    assert.deepStrictEqual(updated, []);
    execFileSync(python, ['-c', 'import replaydbg']);
  });

  it('does nothing when the user declines the .venv', async () => {
    answers.push(undefined);
    const installed = await installer.install({ command: system ?? '', source: 'default' },
      { ...folder, uri: { fsPath: path.join(work, 'elsewhere') } } as vscode.WorkspaceFolder);
    assert.strictEqual(installed, undefined);
    assert.ok(!fs.existsSync(path.join(work, 'elsewhere')));
    assert.deepStrictEqual(updated, []);
  });
});
