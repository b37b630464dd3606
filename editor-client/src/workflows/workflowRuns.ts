/**
 * Where to put "Replay with history…": the `@workflow.run` methods of a Python file, and the
 * `module:Class` the adapter's `workflow` attribute expects. Pure (no `vscode` import).
 * A line scan is enough: the lens only needs a place and a class name, and the language
 * server does the real analysis.
 */

export interface WorkflowRun {
  /** 0-based line of the `@workflow.run` decorator. */
  line: number;
  /** The class the method belongs to, if found. */
  className?: string;
}

const RUN_DECORATOR = /^\s*@(?:temporalio\.)?workflow\.run\b/;
const CLASS = /^(\s*)class\s+([A-Za-z_]\w*)/;

export function findWorkflowRuns(text: string): WorkflowRun[] {
  const runs: WorkflowRun[] = [];
  const classes: { indent: number; name: string }[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const indent = line.length - line.trimStart().length;
    if (line.trim() !== '' && !line.trimStart().startsWith('#') && !line.trimStart().startsWith('@')) {
      while (classes.length > 0 && (classes[classes.length - 1]?.indent ?? 0) >= indent) {
        classes.pop();
      }
    }
    const declared = CLASS.exec(line);
    if (declared?.[1] !== undefined && declared[2] !== undefined) {
      classes.push({ indent: declared[1].length, name: declared[2] });
    }
    if (RUN_DECORATOR.test(line)) {
      const owner = classes[classes.length - 1];
      runs.push(owner ? { line: index, className: owner.name } : { line: index });
    }
  });
  return runs;
}

/**
 * `package.module:Class` for a file under a working directory, or undefined when the file is
 * outside it (then the adapter discovers the workflow itself).
 */
export function workflowReference(relativePath: string, className: string | undefined)
  : string | undefined {
  if (className === undefined || relativePath.startsWith('..') || !relativePath.endsWith('.py')) {
    return undefined;
  }
  const parts = relativePath.slice(0, -'.py'.length).split(/[\\/]/);
  if (parts[parts.length - 1] === '__init__') {
    parts.pop();
  }
  return parts.length > 0 && parts.every((part) => /^[A-Za-z_]\w*$/.test(part))
    ? `${parts.join('.')}:${className}` : undefined;
}
