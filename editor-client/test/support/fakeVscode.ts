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

function show(kind: string) {
  return (message: string, ...actions: string[]): Promise<string | undefined> => {
    shown.push([kind, message, ...actions]);
    return Promise.resolve(answers.shift());
  };
}

export const fakeVscode = {
  window: { showErrorMessage: show('error'), showWarningMessage: show('warning'),
    showInformationMessage: show('information') },
  commands: { executeCommand: (id: string): Promise<undefined> => {
    executed.push(id);
    return Promise.resolve(undefined);
  } },
};

/** Forget what earlier tests showed and answered. */
export function resetFake(): void {
  shown.length = 0;
  answers.length = 0;
  executed.length = 0;
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
