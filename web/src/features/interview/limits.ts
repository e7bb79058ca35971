/** The server's input limits (functions/src/ai/schemas.ts), applied as the user types so none is hit by surprise. */
export const limits = {
  jobTitle: 200,
  jobDescription: 8_000,
  answer: 4_000,
  maxQuestions: 10,
} as const;

const numberFormat = new Intl.NumberFormat();

/** "1,234 of 4,000 characters" */
export function characterCount(length: number, limit: number): string {
  return `${numberFormat.format(length)} of ${numberFormat.format(limit)} characters`;
}
