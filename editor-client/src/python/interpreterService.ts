/**
 * The interpreter that runs `replaydbg dap` and `replaydbg lsp`: the `replaydbg.interpreter`
 * setting, else the Python extension's active interpreter (when ms-python is installed),
 * else `python3`. Before a session starts it checks replaydbg runs there, and when it does
 * not says so in a notification with the actions that fix it.
 */
import { execFile } from 'child_process';
import * as os from 'os';
import * as vscode from 'vscode';
import { SettingsService } from '../config/settingsService';
import { Installer } from './installer';
import { chooseInterpreter, Interpreter, probeProblem } from './interpreterChoice';

/** The part of the Python extension's API used here (`ms-python.python` exports). */
interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
    onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
  };
}

const PYTHON_EXTENSION = 'ms-python.python';
const PROBE_TIMEOUT_MS = 30_000;

export class InterpreterService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the interpreter may have changed (setting or Python extension). */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private readonly working = new Set<string>();

  constructor(private readonly settings: SettingsService, private readonly installer: Installer) {
    this.disposables.push(settings.onDidChange((event) => {
      if (event.affectsConfiguration('replaydbg.interpreter')) {
        this.changed.fire();
      }
    }));
    void this.watchPythonExtension();
  }

  async current(resource?: vscode.Uri): Promise<Interpreter> {
    const api = await this.pythonApi();
    const active = api?.environments?.getActiveEnvironmentPath(resource).path;
    return chooseInterpreter(this.settings.read(resource).interpreter, active);
  }

  /**
   * True when replaydbg runs in the interpreter; otherwise the user is told, with fixes.
   * `resource` names the workspace folder a virtual environment would be made in.
   */
  async ensureReplaydbg(interpreter: Interpreter, resource?: vscode.Uri): Promise<boolean> {
    // Where the adapter and the language server run: `-m replaydbg` finds a `replaydbg/`
    // folder in the working directory, so the probe must look from the same one.
    const cwd = ((resource && vscode.workspace.getWorkspaceFolder(resource))
      ?? vscode.workspace.workspaceFolders?.[0])?.uri.fsPath ?? os.tmpdir();
    const key = `${interpreter.command}\0${cwd}`;
    if (this.working.has(key)) {
      return true;
    }
    const problem = await probe(interpreter, cwd);
    if (problem === undefined) {
      this.working.add(key);
      return true;
    }
    void this.explain(problem, interpreter, resource);
    return false;
  }

  private async explain(problem: string, interpreter: Interpreter, resource?: vscode.Uri)
    : Promise<void> {
    const install = 'Install replaydbg';
    const choose = 'Choose Interpreter';
    const actions = problem.includes('not found') ? [choose] : [install, choose];
    const choice = await vscode.window.showErrorMessage(problem, ...actions);
    if (choice === install) {
      const folder = (resource && vscode.workspace.getWorkspaceFolder(resource))
        ?? vscode.workspace.workspaceFolders?.[0];
      // Installed elsewhere (a new .venv), the setting's change restarts what needs it.
      if (await this.installer.install(interpreter, folder) === interpreter.command) {
        this.changed.fire();
      }
    } else if (choice === choose) {
      const hasPython = vscode.extensions.getExtension(PYTHON_EXTENSION) !== undefined;
      await (hasPython ? vscode.commands.executeCommand('python.setInterpreter')
        : vscode.commands.executeCommand('workbench.action.openSettings', 'replaydbg.interpreter'));
    }
  }

  private async pythonApi(): Promise<PythonExtensionApi | undefined> {
    const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION);
    if (extension === undefined) {
      return undefined;
    }
    try {
      return extension.isActive ? extension.exports : await extension.activate();
    } catch {
      return undefined; // a broken Python extension must not stop replays: fall back
    }
  }

  private async watchPythonExtension(): Promise<void> {
    const api = await this.pythonApi();
    const subscription = api?.environments?.onDidChangeActiveEnvironmentPath(() => {
      this.changed.fire();
    });
    if (subscription) {
      this.disposables.push(subscription);
    }
  }

  dispose(): void {
    this.disposables.forEach((disposable) => { disposable.dispose(); });
  }
}

function probe(interpreter: Interpreter, cwd: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(interpreter.command, ['-m', 'replaydbg', '--version'], { timeout: PROBE_TIMEOUT_MS, cwd },
      (error, _stdout, stderr) => {
        resolve(probeProblem(interpreter, error, stderr));
      });
  });
}
