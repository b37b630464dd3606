/**
 * Which interpreter runs replaydbg, and what to tell the user when it cannot. Pure.
 */

export type InterpreterSource = 'setting' | 'python extension' | 'default';

export interface Interpreter {
  /** The executable and any arguments before `-m replaydbg`. */
  command: string;
  source: InterpreterSource;
}

/** The setting wins, then the Python extension's active interpreter, then `python3`. */
export function chooseInterpreter(setting: string, active: string | undefined): Interpreter {
  if (setting !== '') {
    return { command: setting, source: 'setting' };
  }
  if (active !== undefined && active !== '') {
    return { command: active, source: 'python extension' };
  }
  return { command: 'python3', source: 'default' };
}

/** Why replaydbg cannot run in an interpreter, from the probe's exit and output. */
export function probeProblem(interpreter: Interpreter, error: { code?: unknown } | null,
                             stderr: string): string | undefined {
  if (error === null) {
    return undefined;
  }
  const where = `${interpreter.command} (${interpreter.source})`;
  if (error.code === 'ENOENT') {
    return `The Python interpreter ${where} was not found.`;
  }
  if (/No module named '?replaydbg/.test(stderr)) {
    return `replaydbg is not installed in ${where}.`;
  }
  const last = stderr.trim().split('\n').pop() ?? '';
  return `replaydbg does not start in ${where}${last ? `: ${last}` : '.'}`;
}
