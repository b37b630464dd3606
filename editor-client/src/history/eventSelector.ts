/**
 * Names of event breakpoints, read the way the adapter reads them
 * (`replaydbg/dap/adapter/eventbp.py` `parse_selector`): `event:7`, `#7`, `7`, an event type such as
 * `ActivityTaskCompleted`, or its protobuf spelling `EVENT_TYPE_ACTIVITY_TASK_COMPLETED`.
 * Pure: no `vscode` import.
 */

export interface EventSelector {
  eventId?: number;
  eventType?: string;
}

const BY_ID = /^\s*(?:event\s*:\s*|#)?(\d+)\s*$/i;
const TYPE_NAME = /^[A-Z][A-Za-z]+$/;

/** The event or event type a function breakpoint names; undefined for anything else. */
export function parseEventBreakpoint(name: string): EventSelector | undefined {
  const byId = BY_ID.exec(name);
  if (byId?.[1] !== undefined) {
    return { eventId: Number(byId[1]) };
  }
  let text = name.trim();
  if (text.toUpperCase().startsWith('EVENT_TYPE_')) {
    text = text.slice('EVENT_TYPE_'.length).toLowerCase().split('_')
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
  }
  return TYPE_NAME.test(text) ? { eventType: text } : undefined;
}

/** The name this extension gives the breakpoint of one event. */
export function eventBreakpointName(eventId: number): string {
  return `event:${eventId}`;
}

/** Whether a breakpoint name selects exactly this event id or event type. */
export function selects(name: string, target: EventSelector): boolean {
  const selector = parseEventBreakpoint(name);
  if (selector === undefined) {
    return false;
  }
  return target.eventId !== undefined ? selector.eventId === target.eventId
    : selector.eventType !== undefined && selector.eventType === target.eventType;
}
