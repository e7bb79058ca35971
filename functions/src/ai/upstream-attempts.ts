/**
 * How many requests one AI call may send to Gemini, in all.
 *
 * Before, each counted call could become 2 answer attempts (a malformed answer is asked for once more)
 * × 3 transient attempts = 6 upstream requests. Now the first request, the transient retries and the
 * malformed-answer retry draw from one budget per call, so a call the user is counted for sends at most
 * this many requests. Three keeps what each retry is for — one transient retry after a malformed answer,
 * or two after Google's 5xx — and with 25 s per attempt stays well inside the callables' 180 s timeout.
 */
export const maxUpstreamAttemptsPerCall = 3;

/** One call's allowance of upstream requests, shared by every model call the call's flow makes. */
export class UpstreamAttemptBudget {
  private used = 0;

  constructor(readonly limit: number = maxUpstreamAttemptsPerCall) {}

  get remaining(): number {
    return Math.max(0, this.limit - this.used);
  }

  /** Requests sent so far. */
  get spent(): number {
    return this.used;
  }

  /** Takes one attempt before a request is sent; false when none is left (then nothing may be sent). */
  take(): boolean {
    if (this.used >= this.limit) return false;
    this.used += 1;
    return true;
  }

  /** Genkit records the action context in its spans: this is what it shows of the budget. */
  toJSON(): { limit: number; spent: number } {
    return { limit: this.limit, spent: this.used };
  }
}
