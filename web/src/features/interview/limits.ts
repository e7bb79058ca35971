/** The server's input limits (one source: functions/src/ai/input-limits.ts, a pure module), applied as the user types so none is hit by surprise. */
export { inputLimits as limits } from "../../../../functions/src/ai/input-limits";

const numberFormat = new Intl.NumberFormat();

/** "1,234 of 4,000 characters" */
export function characterCount(length: number, limit: number): string {
  return `${numberFormat.format(length)} of ${numberFormat.format(limit)} characters`;
}
