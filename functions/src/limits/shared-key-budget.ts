import { FieldValue, Timestamp, type DocumentData, type Firestore } from "firebase-admin/firestore";
import { firestore } from "../platform/admin";
import { AppError, defaultKeyOutOfQuota, keyStoreUnavailable, sharedKeyBudgetSpent } from "../errors";
import * as logs from "../logs";

/**
 * The project-wide guard on the app's shared Gemini key (ALLOW_DEFAULT_KEY), on top of each user's daily
 * cap: a budget of calls per UTC day for all users together, and a circuit breaker that refuses every
 * shared-key call while it is open, without a request to Google or a count. The breaker opens when the
 * day's budget is spent (until midnight UTC) and when Google keeps answering 429 for the shared key
 * (3 within a minute: for that RetryInfo delay, at least a minute and at most an hour).
 *
 * Documents (closed to clients by firestore.rules, like everything):
 *   sharedKeyUsage/{YYYY-MM-DD}/shards/{0..9}  { count, expiresAt }   the day's calls, in shards
 *   sharedKeyBreaker/state                      { openUntil, cause, quotaFailures: { windowStart, count } }
 *
 * Why shards: Firestore sustains about one write per second on a single document, and every shared-key
 * call of every user would write the same counter. Ten shards take ten writes a second; a call
 * increments one at random, then reads all ten and is allowed only if the total — its own increment
 * included — is within the budget. Since each call's read sees every increment committed before it,
 * the budget is never exceeded, without a transaction (a few calls racing at the very end may all be
 * refused where one could have run). Costs per shared-key call: one write and eleven reads (the
 * shards and the breaker).
 */

export const budgetShards = 10;

/** Sustained 429s: this many within `quotaWindowSeconds` open the breaker. */
const quotaFailureThreshold = 3;
const quotaWindowSeconds = 60;
const minOpenSeconds = 60;
const maxOpenSeconds = 3600;

export type BreakerCause = "budget" | "quota";

/** What `sharedKeyBreaker/state` holds (times in ms since the epoch). */
export interface BreakerState {
  openUntil?: number;
  cause?: BreakerCause;
  quotaFailures?: { windowStart: number; count: number };
}

const dayMs = 86_400_000;

/** The UTC day `nowMs` falls in, as a document id: "2026-11-20". */
export function utcDay(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 10);
}

/** Whole seconds until the next UTC midnight, at least 1. */
export function secondsUntilUtcMidnight(nowMs: number): number {
  return Math.max(1, Math.ceil((Math.floor(nowMs / dayMs) * dayMs + dayMs - nowMs) / 1000));
}

/** Pure: whether the breaker refuses a call at `nowMs`, and for how long. */
export function breakerDecision(state: BreakerState | undefined, nowMs: number): { open: false } | { open: true; cause: BreakerCause; retryAfterSeconds: number } {
  if (!state?.openUntil || state.openUntil <= nowMs) return { open: false };
  return { open: true, cause: state.cause ?? "quota", retryAfterSeconds: Math.max(1, Math.ceil((state.openUntil - nowMs) / 1000)) };
}

/**
 * Pure: the breaker after Google answered 429 for the shared key at `nowMs`. Failures are counted in a
 * fixed one-minute window; the third opens the breaker for Google's retry delay, bounded to [1 min, 1 h].
 */
export function afterQuotaFailure(state: BreakerState | undefined, nowMs: number, retryAfterSeconds?: number): BreakerState {
  const windowMs = quotaWindowSeconds * 1000;
  const windowStart = Math.floor(nowMs / windowMs) * windowMs;
  const count = (state?.quotaFailures?.windowStart === windowStart ? state.quotaFailures.count : 0) + 1;
  const next: BreakerState = { ...state, quotaFailures: { windowStart, count } };
  if (count < quotaFailureThreshold || breakerDecision(state, nowMs).open) return next;
  const openSeconds = Math.min(maxOpenSeconds, Math.max(minOpenSeconds, retryAfterSeconds ?? 0));
  return { ...next, openUntil: nowMs + openSeconds * 1000, cause: "quota" };
}

/** Pure: the breaker once the day's budget is spent: open until the next UTC midnight. */
export function afterBudgetSpent(state: BreakerState | undefined, nowMs: number): BreakerState {
  return { ...state, openUntil: nowMs + secondsUntilUtcMidnight(nowMs) * 1000, cause: "budget" };
}

export interface SharedKeyGuard {
  /** Refuses with QUOTA_EXCEEDED (and when to retry) while the breaker is open. Reads only. */
  ensureClosed(): Promise<void>;
  /** Counts this call against today's budget; when that spends it, opens the breaker and refuses. */
  consumeBudget(dailyBudget: number): Promise<void>;
  /** Google answered 429 for the shared key: counts toward opening the breaker. Best effort. */
  recordQuotaFailure(retryAfterSeconds?: number): Promise<void>;
  /** Calls counted today (refused ones included): for the operator and the tests. */
  countToday(): Promise<number>;
}

export function sharedKeyGuard(db: Firestore = firestore(), now: () => number = Date.now, random: () => number = Math.random): SharedKeyGuard {
  const breakerRef = db.collection("sharedKeyBreaker").doc("state");
  const shardRefs = (day: string) => Array.from({ length: budgetShards }, (_, shard) => db.doc(`sharedKeyUsage/${day}/shards/${shard}`));

  const readBreaker = async (): Promise<BreakerState | undefined> => fromStored((await breakerRef.get()).data());

  const refuseIfOpen = (state: BreakerState | undefined) => {
    const decision = breakerDecision(state, now());
    if (!decision.open) return;
    throw decision.cause === "budget" ? sharedKeyBudgetSpent(decision.retryAfterSeconds) : defaultKeyOutOfQuota(decision.retryAfterSeconds);
  };

  /** Firestore failed: nothing may be spent that cannot be counted. */
  const storeFailure = (operation: string) => (error: unknown) => {
    if (error instanceof AppError) throw error;
    logs.sharedKeyStoreFailure(operation, error);
    throw keyStoreUnavailable();
  };

  const total = async (day: string) => (await db.getAll(...shardRefs(day))).reduce((sum, shard) => sum + (Number(shard.get("count")) || 0), 0);

  return {
    // One read per shared-key call, open or not: an instance does not cache the breaker, so one opened
    // by another instance (or closed by the operator deleting the document) takes effect at once.
    async ensureClosed() {
      refuseIfOpen(await readBreaker().catch(storeFailure("read_breaker")));
    },

    async consumeBudget(dailyBudget) {
      const at = now();
      const day = utcDay(at);
      const shard = shardRefs(day)[Math.floor(random() * budgetShards)];
      const counted = await shard
        .set({ count: FieldValue.increment(1), expiresAt: Timestamp.fromMillis(Math.floor(at / dayMs) * dayMs + 2 * dayMs) }, { merge: true })
        .then(() => total(day))
        .catch(storeFailure("count_budget"));
      if (counted <= dailyBudget) return;
      logs.sharedKeyBudgetSpent(dailyBudget);
      // A blind merge, not a transaction: every call refused at the end of the budget writes the same
      // opening (until midnight), so racing ones need not contend for the document.
      const opened = afterBudgetSpent(undefined, now());
      await breakerRef
        .set({ openUntil: Timestamp.fromMillis(opened.openUntil!), cause: opened.cause }, { merge: true })
        .catch(storeFailure("open_breaker"));
      refuseIfOpen(opened);
    },

    async recordQuotaFailure(retryAfterSeconds) {
      try {
        const { before, after } = await db.runTransaction(async (tx) => {
          const before = fromStored((await tx.get(breakerRef)).data());
          const after = afterQuotaFailure(before, now(), retryAfterSeconds);
          tx.set(breakerRef, toStored(after));
          return { before, after };
        });
        if (!breakerDecision(before, now()).open && breakerDecision(after, now()).open) logs.sharedKeyBreakerOpened("quota", after.openUntil!);
      } catch (error) {
        logs.sharedKeyStoreFailure("record_quota_failure", error);
      }
    },

    countToday: () => total(utcDay(now())),
  };
}

function fromStored(data: DocumentData | undefined): BreakerState | undefined {
  if (!data) return undefined;
  const openUntil = data.openUntil instanceof Timestamp ? data.openUntil.toMillis() : undefined;
  const failures = data.quotaFailures as { windowStart?: unknown; count?: unknown } | undefined;
  return {
    ...(openUntil === undefined ? {} : { openUntil }),
    ...(data.cause === "budget" || data.cause === "quota" ? { cause: data.cause as BreakerCause } : {}),
    ...(typeof failures?.windowStart === "number" && typeof failures.count === "number"
      ? { quotaFailures: { windowStart: failures.windowStart, count: failures.count } }
      : {}),
  };
}

function toStored(state: BreakerState): DocumentData {
  return {
    openUntil: state.openUntil === undefined ? null : Timestamp.fromMillis(state.openUntil),
    cause: state.cause ?? null,
    quotaFailures: state.quotaFailures ?? null,
  };
}
