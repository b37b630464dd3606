/**
 * The extension's settings (`replaydbg.*`), read once into one typed structure.
 *
 * Pure: it reads through a `get` function, so the caller passes VS Code's configuration and
 * the tests pass a map. A value of the wrong type is replaced by its default and reported,
 * never thrown. The API key is not a setting: it lives in VS Code's secret storage.
 */

export interface Settings {
  /** Interpreter that runs replaydbg; empty means "ask the Python extension, else python3". */
  interpreter: string;
  dapExtraArgs: string[];
  lspExtraArgs: string[];
  lint: LintSettings;
  temporal: { address: string; namespace: string; profile: string };
  /** Settings that could not be used, one sentence each. */
  problems: string[];
}

/** What the language server reads from its `replaydbg` configuration section. */
export interface LintSettings {
  enable: boolean;
  debounceMs: number;
  /** Replay the project's saved histories on save (`[tool.replaydbg] histories`). */
  replayHistories: boolean;
  /** The git revision the workflow.patched() quick fix compares the editor's text with. */
  patchBase: string;
  /** Rule keys the user set (select, ignore, ...); unset ones are left to pyproject.toml. */
  rules: Record<string, string[]>;
}

/** The rule settings, as the language server names them (`replaydbg/lsp/settings.py`). */
export const RULE_KEYS = ['select', 'ignore', 'extraNondeterministic', 'knownSafe', 'exclude'] as const;

export type Get = (key: string) => unknown;

export function readSettings(get: Get): Settings {
  const problems: string[] = [];
  const read = <T>(key: string, fallback: T, valid: (value: unknown) => value is T): T => {
    const value = get(key);
    if (value === undefined || value === null) {
      return fallback;
    }
    if (!valid(value)) {
      problems.push(`Setting replaydbg.${key} has the wrong type; using its default.`);
      return fallback;
    }
    return value;
  };
  const rules: Record<string, string[]> = {};
  for (const key of RULE_KEYS) {
    const value = read<string[] | null>(`lint.${key}`, null, isStringArray);
    if (value !== null) {
      rules[key] = value;
    }
  }
  return {
    interpreter: read('interpreter', '', isString).trim(),
    dapExtraArgs: read('dap.extraArgs', [], isStringArray),
    lspExtraArgs: read('lsp.extraArgs', [], isStringArray),
    lint: { enable: read('lint.enable', true, isBoolean),
      debounceMs: read('lint.debounceMs', 200, isNumber),
      replayHistories: read('lint.replayHistories', true, isBoolean),
      patchBase: read('lint.patchBase', 'HEAD', isString).trim() || 'HEAD', rules },
    temporal: { address: read('temporal.address', '', isString),
      namespace: read('temporal.namespace', '', isString),
      profile: read('temporal.profile', '', isString) },
    problems,
  };
}

/** The `replaydbg` section as the language server expects it (camelCase, flat). */
export function serverSection(lint: LintSettings): Record<string, unknown> {
  return { enable: lint.enable, debounceMs: lint.debounceMs,
    replayHistories: lint.replayHistories, patchBase: lint.patchBase, ...lint.rules };
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isBoolean(value: unknown): value is boolean {
  return typeof value === 'boolean';
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(isString);
}
