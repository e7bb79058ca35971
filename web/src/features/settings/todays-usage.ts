import type { ApiKeyStatus } from "../../lib/callables";

/** "12 of 30 today", or "12 today" without a limit; undefined when the server sent no count. */
export function todaysUsage(status: ApiKeyStatus): string | undefined {
  if (status.callsToday === undefined) return undefined;
  return status.dailyLimit === undefined ? `${status.callsToday} today` : `${status.callsToday} of ${status.dailyLimit} today`;
}
