/**
 * The history view's model: the events of a replay grouped by workflow task, the current
 * event, and which events and event types have a breakpoint.
 *
 * Pure (no `vscode` import): the tree view renders what this computes, and mocha tests it.
 * The shapes below are those of the adapter's `temporal/history` response and
 * `temporal/currentEvent` event.
 */
import { EventSelector, parseEventBreakpoint } from './eventSelector';

export interface SourceLine { file: string; line: number; function: string }

export interface HistoryEvent {
  eventId: number;
  eventType: string;
  subject: string;
  details: string;
  role: string;
  activation: number | null;
  position: number | null;
  source: SourceLine | null;
  nextLine: SourceLine | null;
  /** An update's completion: the handler line that returned or raised (older adapters: absent). */
  handlerEnd?: SourceLine | null;
  /** For a command event handled in workflow code (an update's handler): its job's position. */
  jobPosition?: number | null;
  /** How a command was issued: 'line', 'raise' or '' (by the SDK, no code running). */
  issued?: string;
  /** False for a job that wakes no workflow code in its activation. */
  codeRuns?: boolean;
  note: string;
}

export interface History {
  workflowType: string;
  workflowId: string;
  runId: string;
  status: string;
  events: HistoryEvent[];
}

export interface CurrentEvent {
  eventId: number;
  description: string;
  reason: string;
  text?: string;
}

/** The events one workflow task saw (new events since the last task) and decided. */
export interface TaskGroup {
  /** 1-based; 0 for a history that has not started a workflow task yet. */
  task: number;
  events: HistoryEvent[];
  /** The task's outcome: completed, failed, timed out, or still pending at history's end. */
  outcome: 'completed' | 'failed' | 'timed out' | 'pending';
}

export type HistoryNode =
  | { kind: 'types' }
  | { kind: 'type'; eventType: string; count: number }
  | { kind: 'task'; group: TaskGroup }
  | { kind: 'event'; event: HistoryEvent; task: number };

const TASK_END: Record<string, TaskGroup['outcome']> = {
  WorkflowTaskCompleted: 'completed', WorkflowTaskFailed: 'failed',
  WorkflowTaskTimedOut: 'timed out',
};

/** Events a completed workflow task's commands (or protocol messages) write after it. */
const COMMAND_EVENTS = new Set([
  'ActivityTaskScheduled', 'ActivityTaskCancelRequested', 'TimerStarted', 'TimerCanceled',
  'WorkflowExecutionCompleted', 'WorkflowExecutionFailed', 'WorkflowExecutionCanceled',
  'WorkflowExecutionContinuedAsNew', 'RequestCancelExternalWorkflowExecutionInitiated',
  'SignalExternalWorkflowExecutionInitiated', 'StartChildWorkflowExecutionInitiated',
  'MarkerRecorded', 'UpsertWorkflowSearchAttributes', 'WorkflowPropertiesModified',
  'WorkflowExecutionUpdateAccepted', 'WorkflowExecutionUpdateCompleted',
  'WorkflowExecutionUpdateRejected', 'NexusOperationScheduled', 'NexusOperationCancelRequested',
]);

/**
 * Group events by workflow task: a group holds what arrived since the previous task, the
 * task's own events, and the commands it issued. That is what one workflow task "saw and
 * did", which is also where a replay stops for each of those events.
 */
export function groupByWorkflowTask(events: readonly HistoryEvent[]): TaskGroup[] {
  const groups: TaskGroup[] = [];
  let current: HistoryEvent[] = [];
  let outcome: TaskGroup['outcome'] = 'pending';
  let ended = false;
  const close = (): void => {
    groups.push({ task: groups.length + 1, events: current, outcome });
    current = [];
    outcome = 'pending';
    ended = false;
  };
  for (const event of events) {
    const isCommand = event.role === 'command' || COMMAND_EVENTS.has(event.eventType);
    if (ended && (outcome !== 'completed' || !isCommand)) {
      close();
    }
    current.push(event);
    const end = TASK_END[event.eventType];
    if (end !== undefined) {
      outcome = end;
      ended = true;
    }
  }
  if (current.length > 0) {
    close();
  }
  return groups;
}

/** One line per event in the tree: `#7 ActivityTaskCompleted`. */
export function eventLabel(event: HistoryEvent): string {
  return `#${event.eventId} ${event.eventType}`;
}

/** The short details next to the label: subject and details, without repeating the subject. */
export function eventDescription(event: HistoryEvent): string {
  const details = event.details.startsWith(event.subject) ? event.details.slice(event.subject.length)
    : event.details;
  return [event.subject, details.trim()].filter((part) => part !== '').join(' · ');
}

export function taskLabel(group: TaskGroup): string {
  const first = group.events[0]?.eventId;
  const last = group.events[group.events.length - 1]?.eventId;
  const range = first === last ? `event ${first ?? '?'}` : `events ${first ?? '?'}–${last ?? '?'}`;
  return `Workflow task ${group.task} · ${range}`;
}

/**
 * Where the event runs in the user's code: the command's line, the line an update handler
 * ended on (its completion), else where the code resumes.
 */
export function eventLine(event: HistoryEvent): SourceLine | null {
  return event.source ?? event.handlerEnd ?? event.nextLine;
}

/**
 * Whether workflow code runs for the event, so that the replay can stop there ("Run to This
 * Event"). The adapter's rule (`replaydbg/dap/adapter/eventbp.py` `stop_point`), on its map.
 */
export function runsCode(event: HistoryEvent): boolean {
  if (event.activation === null || event.codeRuns === false) {
    return false;  // e.g. one result of a gather that still waits for the others
  }
  if (event.role === 'command') {
    // A command the SDK issued with no workflow code running (issued: '') has no stop.
    return (event.position !== null && event.source !== null && event.issued !== '')
      || (event.jobPosition !== undefined && event.jobPosition !== null);
  }
  return (event.role === 'applied' && event.position !== null)
    || event.eventType === 'WorkflowTaskStarted';
}

/**
 * The state the view shows. Breakpoints come from the editor (names of function breakpoints)
 * and are matched with the adapter's own rules, so `#7`, `7` and `event:7` are one breakpoint.
 */
export class HistoryModel {
  private history: History | null = null;
  private groups: TaskGroup[] = [];
  private selectors: EventSelector[] = [];
  private current: CurrentEvent | null = null;
  private message: string | undefined;

  setHistory(history: History | null): void {
    this.history = history;
    this.groups = history ? groupByWorkflowTask(history.events) : [];
    this.current = null;
  }

  getHistory(): History | null {
    return this.history;
  }

  setCurrent(current: CurrentEvent | null): void {
    this.current = current;
  }

  getCurrent(): CurrentEvent | null {
    return this.current;
  }

  /** A line for the view when no event is current: the history is loading, the replay ended. */
  setMessage(message: string | undefined): void {
    this.message = message;
  }

  getMessage(): string | undefined {
    return this.message;
  }

  /** Function-breakpoint names as the editor has them; names that are not events are ignored. */
  setBreakpointNames(names: readonly string[]): void {
    this.selectors = names.map(parseEventBreakpoint)
      .filter((selector): selector is EventSelector => selector !== undefined);
  }

  roots(): HistoryNode[] {
    if (!this.history) {
      return [];
    }
    return [{ kind: 'types' }, ...this.groups.map((group): HistoryNode => ({ kind: 'task', group }))];
  }

  children(node: HistoryNode): HistoryNode[] {
    switch (node.kind) {
      case 'types': return this.eventTypes();
      case 'task': return node.group.events.map((event) => ({ kind: 'event', event, task: node.group.task }));
      default: return [];
    }
  }

  parent(node: HistoryNode): HistoryNode | undefined {
    if (node.kind === 'type') {
      return { kind: 'types' };
    }
    if (node.kind === 'event') {
      const group = this.groups[node.task - 1];
      return group ? { kind: 'task', group } : undefined;
    }
    return undefined;
  }

  /** The node of an event, for revealing it; undefined when the history lacks it. */
  eventNode(eventId: number): HistoryNode | undefined {
    for (const group of this.groups) {
      const event = group.events.find((candidate) => candidate.eventId === eventId);
      if (event) {
        return { kind: 'event', event, task: group.task };
      }
    }
    return undefined;
  }

  isCurrent(node: HistoryNode): boolean {
    const id = this.current?.eventId;
    if (id === undefined) {
      return false;
    }
    if (node.kind === 'event') {
      return node.event.eventId === id;
    }
    return node.kind === 'task' && node.group.events.some((event) => event.eventId === id);
  }

  /** Whether a breakpoint names this event by id (`event:7`). */
  hasEventBreakpoint(eventId: number): boolean {
    return this.selectors.some((selector) => selector.eventId === eventId);
  }

  /** Whether a breakpoint names this event type (`ActivityTaskCompleted`). */
  hasTypeBreakpoint(eventType: string): boolean {
    return this.selectors.some((selector) => selector.eventType === eventType);
  }

  private eventTypes(): HistoryNode[] {
    const counts = new Map<string, number>();
    for (const event of this.history?.events ?? []) {
      counts.set(event.eventType, (counts.get(event.eventType) ?? 0) + 1);
    }
    return [...counts].sort(([a], [b]) => a.localeCompare(b))
      .map(([eventType, count]) => ({ kind: 'type', eventType, count }));
  }
}
