/**
 * A stand-in for the `vscode` module, so mocha can load the few classes that talk to VS Code
 * (the configuration provider) outside of it. Loaded with `mocha --require`; it answers
 * `require('vscode')` with {@link fakeVscode}. Tests read what the extension showed in
 * {@link shown} and choose the user's answers with {@link answers}.
 */
import Module from 'module';

/** Messages the code under test showed, in order: `[kind, message, ...actions]`. */
export const shown: string[][] = [];
/** The action the next message's user picks (undefined: the message is dismissed). */
export const answers: (string | undefined)[] = [];
/** Commands the code under test ran. */
export const executed: string[] = [];
/** Settings the code under test wrote: `[section.key, value, target]`. */
export const updated: unknown[][] = [];
/** Titles of the progress notifications shown. */
export const progress: string[] = [];

function show(kind: string) {
  return (message: string, ...actions: unknown[]): Promise<string | undefined> => {
    // Options ({ modal: true }) may come before the actions.
    shown.push([kind, message, ...actions.filter((a): a is string => typeof a === 'string')]);
    return Promise.resolve(answers.shift());
  };
}

const token = { onCancellationRequested: () => ({ dispose: () => undefined }) };

export const fakeVscode = {
  window: { showErrorMessage: show('error'), showWarningMessage: show('warning'),
    showInformationMessage: show('information'),
    createOutputChannel: () => ({ append: () => undefined, appendLine: () => undefined,
      show: () => undefined, dispose: () => undefined }),
    withProgress: <T>(options: { title: string },
                      task: (report: unknown, cancel: typeof token) => Promise<T>): Promise<T> => {
      progress.push(options.title);
      return task({ report: () => undefined }, token);
    } },
  commands: { executeCommand: (id: string): Promise<undefined> => {
    executed.push(id);
    return Promise.resolve(undefined);
  } },
  workspace: { workspaceFolders: undefined,
    getConfiguration: (section: string) => ({
      update: (key: string, value: unknown, target: unknown): Promise<void> => {
        updated.push([`${section}.${key}`, value, target]);
        return Promise.resolve();
      } }) },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
};

/** Forget what earlier tests showed, answered and wrote. */
export function resetFake(): void {
  for (const list of [shown, answers, executed, updated, progress]) {
    list.length = 0;
  }
}

const FAKE_ID = '\0fake-vscode';
interface Loader {
  _resolveFilename(request: string, ...rest: unknown[]): string;
}
const loader = Module as unknown as Loader;
const resolve = loader._resolveFilename.bind(loader);
loader._resolveFilename = (request: string, ...rest: unknown[]): string =>
  request === 'vscode' ? FAKE_ID : resolve(request, ...rest);
const fake = new Module(FAKE_ID);
fake.exports = fakeVscode;
fake.loaded = true;
require.cache[FAKE_ID] = fake;
