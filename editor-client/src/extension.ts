/** Entry point: activation only. Everything is built in ./composition. */
import * as vscode from 'vscode';
import { compose } from './composition';

export function activate(context: vscode.ExtensionContext): void {
  compose(context);
}

export function deactivate(): void {
  // Services are disposed through context.subscriptions.
}
