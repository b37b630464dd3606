// Builds the replaydbg wheel that the .vsix carries (wheels/replaydbg-<version>-py3-none-any.whl),
// from the repository root, for the "Install replaydbg" action: replaydbg is not on PyPI.
// Runs before every `vsce package` (vscode:prepublish). The sources are copied to a fresh
// directory first, so no stale setuptools build/ directory can slip a deleted module in.
//
// Interpreter: REPLAYDBG_PYTHON, else the repository's .venv/bin/python, else python3; it
// needs pip (the build backend comes from the package index, as for any pip build).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const client = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const root = path.dirname(client);
const wheels = path.join(client, 'wheels');
const venvPython = path.join(root, '.venv', 'bin', 'python');
const python = process.env.REPLAYDBG_PYTHON || (fs.existsSync(venvPython) ? venvPython : 'python3');

const fail = (message) => { console.error(`build-wheel: ${message}`); process.exit(1); };

if (!fs.existsSync(path.join(root, 'pyproject.toml'))) {
  fail(`no pyproject.toml in ${root}: the extension is packaged from the replaydbg repository`);
}
const source = fs.mkdtempSync(path.join(os.tmpdir(), 'replaydbg-wheel-'));
try {
  for (const item of ['pyproject.toml', 'README.md', 'replaydbg']) {
    fs.cpSync(path.join(root, item), path.join(source, item), { recursive: true,
      filter: (file) => !/(__pycache__|\.pyc)$/.test(file) });
  }
  fs.rmSync(wheels, { recursive: true, force: true });
  fs.mkdirSync(wheels);
  const build = spawnSync(python, ['-m', 'pip', 'wheel', '--no-deps', '--quiet',
    '--disable-pip-version-check', '--wheel-dir', wheels, source], { stdio: 'inherit' });
  if (build.error || build.status !== 0) {
    fail(`${python} -m pip wheel failed (${build.error?.message ?? `exit ${build.status}`}); `
      + 'set REPLAYDBG_PYTHON to an interpreter with pip');
  }
} finally {
  fs.rmSync(source, { recursive: true, force: true });
}
const built = fs.readdirSync(wheels).filter((name) => /^replaydbg-.+\.whl$/.test(name));
if (built.length !== 1) {
  fail(`expected one replaydbg wheel in ${wheels}, found: ${built.join(', ') || 'none'}`);
}
console.log(`build-wheel: wheels/${built[0]}`);
