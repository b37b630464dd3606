/**
 * The project a workflow file belongs to, found as the adapter finds it: the nearest
 * pyproject.toml with a `[tool.replaydbg]` table at or above the file. Pure (no `vscode`).
 *
 * The adapter reads the table itself (plugins, interceptors, converter, sandbox, workflows):
 * the client only needs the project's folder, so that a launch's `cwd` lets the adapter find
 * that pyproject.toml, and the `histories` it lists, to offer them first. This is a reader
 * of that one array, not a TOML parser: what it cannot read only means fewer suggestions.
 */
import * as path from 'path';

export interface Project {
  /** The folder of the pyproject.toml: the replay's working directory. */
  root: string;
  /** Absolute paths of the `histories` the table lists (files or folders). */
  histories: string[];
}

/** Reads a file's text; undefined when it cannot be read. */
export type ReadText = (file: string) => string | undefined;

const TABLE = /^\s*\[\s*tool\s*\.\s*replaydbg\s*\]\s*(?:#.*)?$/m;
const NEXT_TABLE = /^\s*\[/m;
const HISTORIES = /^\s*histories\s*=\s*\[([^\]]*)\]/m;
const STRING = /"((?:[^"\\]|\\.)*)"|'([^']*)'/g;

/** The project of `file`, looking no higher than `stopAt` (the workspace folder). */
export function findProject(file: string, stopAt: string, read: ReadText): Project | undefined {
  const limit = path.resolve(stopAt);
  let folder = path.dirname(path.resolve(file));
  if (path.relative(limit, folder).startsWith('..')) {
    return undefined;
  }
  for (;;) {
    const table = replaydbgTable(read(path.join(folder, 'pyproject.toml')) ?? '');
    if (table !== undefined) {
      return { root: folder, histories: configuredHistories(table).map((h) => path.resolve(folder, h)) };
    }
    if (folder === limit || path.dirname(folder) === folder) {
      return undefined;
    }
    folder = path.dirname(folder);
  }
}

/** The text of the `[tool.replaydbg]` table, or undefined when the file has none. */
export function replaydbgTable(pyproject: string): string | undefined {
  const header = TABLE.exec(pyproject);
  if (!header) {
    return undefined;
  }
  const rest = pyproject.slice(header.index + header[0].length);
  const next = NEXT_TABLE.exec(rest);
  return next ? rest.slice(0, next.index) : rest;
}

/** The strings of the table's `histories = [...]` (comments dropped). */
export function configuredHistories(table: string): string[] {
  const code = table.split(/\r?\n/).map((line) => line.replace(/#[^"']*$/, '')).join('\n');
  const array = HISTORIES.exec(code)?.[1] ?? '';
  return [...array.matchAll(STRING)].map((m) => m[1] ?? m[2] ?? '').filter((h) => h !== '');
}

/** History files to offer: the project's first, then the others found, each once. */
export function orderHistories(configured: string[], found: string[])
  : { file: string; configured: boolean }[] {
  const seen = new Set(configured);
  return [...configured.map((file) => ({ file, configured: true })),
    ...found.filter((file) => !seen.has(file)).map((file) => ({ file, configured: false }))];
}
