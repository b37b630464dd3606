/**
 * Installing replaydbg from the wheel the extension carries (replaydbg is not on PyPI), and
 * what to do with an interpreter that is managed by the system (PEP 668). Pure: the installer
 * runs what these functions compute.
 */
import * as path from 'path';

/** Where the .vsix keeps the wheel, relative to the extension's folder. */
export const WHEEL_FOLDER = 'wheels';

const WHEEL = /^replaydbg-(\d+(?:\.\d+)*)(?:[.\-+][\w.+]*)?-py3-none-any\.whl$/;

/** The replaydbg wheel among the files of {@link WHEEL_FOLDER} (the newest if several). */
export function findWheel(files: readonly string[]): string | undefined {
  const versions = files.map((file) => ({ file, version: WHEEL.exec(file)?.[1] }))
    .filter((entry): entry is { file: string; version: string } => entry.version !== undefined);
  versions.sort((a, b) => compareVersions(b.version, a.version));
  return versions[0]?.file;
}

function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) {
      return difference;
    }
  }
  return 0;
}

/**
 * Python that prints whether pip may install into this interpreter: "managed" when its
 * stdlib folder has the EXTERNALLY-MANAGED marker and it is not a virtual environment
 * (PEP 668: a venv of a managed Python is free), else "free".
 */
export const MANAGED_PROBE = [
  'import os, sys, sysconfig',
  'marker = os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")',
  'print("managed" if sys.prefix == sys.base_prefix and os.path.isfile(marker) else "free")',
].join('\n');

/** The probe's answer; undefined when it printed something else. */
export function parseManagedProbe(stdout: string): boolean | undefined {
  const answer = stdout.trim().split('\n').pop();
  return answer === 'managed' ? true : answer === 'free' ? false : undefined;
}

/**
 * Whether a failed `pip install` calls for a virtual environment: pip refused an externally
 * managed interpreter (the marker elsewhere than the probe looks), or the interpreter has no
 * pip at all (Debian's python3 without python3-pip).
 */
export function needsVirtualEnvironment(output: string): boolean {
  return /externally-managed-environment|No module named pip\b/.test(output);
}

/** The interpreter of the virtual environment `.venv` in a folder. */
export function venvPython(folder: string, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? path.win32.join(folder, '.venv', 'Scripts', 'python.exe')
    : path.posix.join(folder, '.venv', 'bin', 'python');
}

/** The arguments that install the wheel (with its dependencies, from the user's index). */
export function pipInstallArguments(wheel: string): string[] {
  return ['-m', 'pip', 'install', '--disable-pip-version-check', wheel];
}
