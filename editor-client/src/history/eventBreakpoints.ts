/**
 * Event breakpoints as the Breakpoints view has them: function breakpoints named `event:7`
 * or `ActivityTaskCompleted`. The history view reads and toggles them here, so the two views
 * always agree (a change in either fires {@link EventBreakpoints.onDidChange}).
 */
import * as vscode from 'vscode';
import { EventSelector, eventBreakpointName, selects } from './eventSelector';

export class EventBreakpoints implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription = vscode.debug.onDidChangeBreakpoints((event) => {
    if ([...event.added, ...event.removed, ...event.changed]
      .some((bp) => bp instanceof vscode.FunctionBreakpoint)) {
      this.changed.fire();
    }
  });

  /** Names of the enabled function breakpoints. */
  names(): string[] {
    return functionBreakpoints().filter((bp) => bp.enabled).map((bp) => bp.functionName);
  }

  /** Set or clear the breakpoint of one event (`eventId`) or of an event type. */
  set(target: EventSelector, on: boolean): void {
    const matching = functionBreakpoints().filter((bp) => selects(bp.functionName, target));
    if (on) {
      const disabled = matching.filter((bp) => !bp.enabled);
      if (matching.length > disabled.length) {
        return;
      }
      // A disabled one is replaced: a breakpoint's enablement cannot be changed in place.
      vscode.debug.removeBreakpoints(disabled);
      vscode.debug.addBreakpoints([new vscode.FunctionBreakpoint(nameOf(target))]);
    } else {
      vscode.debug.removeBreakpoints(matching);
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function functionBreakpoints(): vscode.FunctionBreakpoint[] {
  return vscode.debug.breakpoints.filter(
    (bp): bp is vscode.FunctionBreakpoint => bp instanceof vscode.FunctionBreakpoint);
}

function nameOf(target: EventSelector): string {
  return target.eventId !== undefined ? eventBreakpointName(target.eventId)
    : target.eventType ?? '';
}
