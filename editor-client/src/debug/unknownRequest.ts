/**
 * Whether a failed custom request failed because the adapter does not know it. Pure.
 *
 * An older replaydbg adapter passes a `temporal/*` request it lacks on to debugpy, whose
 * pydevd answers "Unable to create message from dict: {...}. temporal/x not in [...]".
 */
export function isUnknownRequest(message: string, command: string): boolean {
  return message.includes(`${command} not in [`) || /^Unable to create message from dict/.test(message);
}
