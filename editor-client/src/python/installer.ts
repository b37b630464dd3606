/**
 * "Install replaydbg": pip-installs the wheel the extension carries into the interpreter, or,
 * when that interpreter is managed by the system (PEP 668) or has no pip, into a `.venv` of
 * the workspace folder, which then becomes the `replaydbg.interpreter` setting. Everything
 * pip and venv print goes to the "replaydbg install" output channel.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { SECTION } from '../config/settingsService';
import { Interpreter } from './interpreterChoice';
import { findWheel, MANAGED_PROBE, needsVirtualEnvironment, parseManagedProbe,
  pipInstallArguments, venvPython, WHEEL_FOLDER } from './replaydbgWheel';

const INSTALL_TIMEOUT_MS = 15 * 60_000;

interface Run { ok: boolean; output: string }

export class Installer implements vscode.Disposable {
  private readonly output = vscode.window.createOutputChannel('replaydbg install');

  constructor(private readonly extensionPath: string) {}

  /**
   * Install replaydbg for `interpreter`; returns the interpreter it now runs in (the same, or
   * the workspace's .venv), or undefined when it was not installed (the user was told why).
   */
  async install(interpreter: Interpreter, folder: vscode.WorkspaceFolder | undefined)
    : Promise<string | undefined> {
    const wheel = this.wheel();
    if (wheel === undefined) {
      void vscode.window.showErrorMessage('This build of the extension carries no replaydbg wheel. '
        + `Install replaydbg into ${interpreter.command} from the replaydbg repository `
        + '(pip install <repository folder>), or use a packaged .vsix.');
      return undefined;
    }
    const managed = parseManagedProbe((await this.run(interpreter.command,
      ['-c', MANAGED_PROBE], 'Checking the interpreter', false)).output);
    if (managed !== true) {
      const installed = await this.run(interpreter.command, pipInstallArguments(wheel),
        `Installing replaydbg into ${interpreter.command}`);
      if (installed.ok) {
        return this.done(interpreter.command);
      }
      if (!needsVirtualEnvironment(installed.output)) {
        this.failed(`pip could not install replaydbg into ${interpreter.command}.`);
        return undefined;
      }
    }
    return this.installInVenv(interpreter, folder, wheel);
  }

  private wheel(): string | undefined {
    const folder = path.join(this.extensionPath, WHEEL_FOLDER);
    const files = fs.existsSync(folder) ? fs.readdirSync(folder) : [];
    const file = findWheel(files);
    return file === undefined ? undefined : path.join(folder, file);
  }

  /** Offer a .venv in the workspace folder (made, or reused), install there and select it. */
  private async installInVenv(interpreter: Interpreter, folder: vscode.WorkspaceFolder | undefined,
                              wheel: string): Promise<string | undefined> {
    const why = `${interpreter.command} is managed by the system (PEP 668) or has no pip: `
      + 'replaydbg cannot be installed into it.';
    if (folder === undefined) {
      void vscode.window.showErrorMessage(`${why} Open a folder to make a virtual environment in, `
        + 'or set replaydbg.interpreter to the Python of one.');
      return undefined;
    }
    const python = venvPython(folder.uri.fsPath);
    const exists = fs.existsSync(python);
    const action = exists ? 'Install into .venv' : 'Create .venv';
    const answer = await vscode.window.showWarningMessage(`${why} ${exists ? 'Install it into'
      : 'Create a virtual environment'} .venv in ${folder.name}, and use that interpreter?`,
    { modal: true }, action);
    if (answer !== action) {
      return undefined;
    }
    if (!exists && !(await this.run(interpreter.command, ['-m', 'venv', path.join(folder.uri.fsPath, '.venv')],
      `Creating .venv in ${folder.name}`)).ok) {
      this.failed(`${interpreter.command} could not create .venv (on Debian and Ubuntu, install python3-venv).`);
      return undefined;
    }
    if (!(await this.run(python, pipInstallArguments(wheel), 'Installing replaydbg into .venv')).ok) {
      this.failed('pip could not install replaydbg into .venv.');
      return undefined;
    }
    await vscode.workspace.getConfiguration(SECTION, folder.uri).update('interpreter', python,
      (vscode.workspace.workspaceFolders?.length ?? 0) > 1
        ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Workspace);
    return this.done(python);
  }

  private done(python: string): string {
    void vscode.window.showInformationMessage(`replaydbg is installed in ${python}; `
      + 'start the replay again.');
    return python;
  }

  private failed(message: string): void {
    const show = 'Show Output';
    void vscode.window.showErrorMessage(message, show).then((choice) => {
      if (choice === show) {
        this.output.show();
      }
    });
  }

  /** Run a command under a cancellable progress notification, its output to the channel. */
  private run(command: string, args: string[], title: string, notify = true): Promise<Run> {
    this.output.appendLine(`$ ${[command, ...args].join(' ')}`);
    const work = (token?: vscode.CancellationToken): Promise<Run> => new Promise((resolve) => {
      let output = '';
      const child = spawn(command, args, { timeout: INSTALL_TIMEOUT_MS });
      const keep = (chunk: Buffer): void => {
        output += chunk.toString();
        this.output.append(chunk.toString());
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      token?.onCancellationRequested(() => { child.kill(); });
      child.on('error', (error) => { keep(Buffer.from(`${error.message}\n`)); });
      child.on('close', (code) => { resolve({ ok: code === 0, output }); });
    });
    return notify ? Promise.resolve(vscode.window.withProgress({ title, cancellable: true,
      location: vscode.ProgressLocation.Notification }, (_progress, token) => work(token)))
      : work();
  }

  dispose(): void {
    this.output.dispose();
  }
}
