import { AsyncLocalStorage } from "node:async_hooks";
import { Timestamp, type DocumentData, type Firestore } from "firebase-admin/firestore";
import { firestore } from "../platform/admin";
import { AppError, keyStoreUnavailable, rateLimited } from "../errors";
import * as logs from "../logs";

/**
 * A per-user fixed-window limiter kept in Firestore, so it holds across function instances: each
 * (uid, bucket) has one document counting calls in the current window, changed by compare-and-set
 * commits (see changeCounters), so racing calls never exceed a limit. Windows are aligned to multiples
 * of their length since the epoch, so a 86,400-second window is a UTC day. Documents carry `expiresAt`
 * for a Firestore TTL policy to clean up.
 */

export interface RateLimitRequest {
  /** Whose calls: a uid, or in `sharedKeyAllowance` an identity that outlives the account (shared-key-identity.ts). */
  uid: string;
  /**
   * Where the counters live: `rateLimits/{uid}` (the default), which goes with the account when it is
   * deleted, or `sharedKeyAllowance/{identity}`, which must not (the shared key's cap, see caller-key.ts).
   */
  collection?: "rateLimits" | "sharedKeyAllowance";
  /** Which limit this is, e.g. "ai"; one document per user and bucket. Letters, digits, "-" and "_". */
  bucket: string;
  /** Calls allowed per window; 0 allows none. */
  limit: number;
  windowSeconds: number;
}

/** What a bucket document holds. */
export interface WindowState {
  windowStart: number;
  count: number;
}

export type WindowDecision =
  | { allowed: true; next: WindowState; remaining: number }
  | { allowed: false; retryAfterSeconds: number };

/** Pure: whether one more call fits in the window containing `nowMs`, given the stored state. */
export function decideFixedWindow(previous: WindowState | undefined, nowMs: number, limit: number, windowSeconds: number): WindowDecision {
  const windowMs = windowSeconds * 1000;
  const windowStart = Math.floor(nowMs / windowMs) * windowMs;
  const used = previous?.windowStart === windowStart ? previous.count : 0;
  if (used >= limit) {
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((windowStart + windowMs - nowMs) / 1000)) };
  }
  return { allowed: true, next: { windowStart, count: used + 1 }, remaining: limit - used - 1 };
}

/** Pure: how many calls the stored state counts in the window containing `nowMs` (0 for an older window). */
export function countInWindow(stored: WindowState | undefined, nowMs: number, windowSeconds: number): number {
  const windowMs = windowSeconds * 1000;
  return stored?.windowStart === Math.floor(nowMs / windowMs) * windowMs ? stored.count : 0;
}

const bucketPattern = /^[A-Za-z0-9_-]{1,64}$/;

/** A bucket's window for one user, without its limit: what is counted. */
export type CountedWindow = Omit<RateLimitRequest, "limit">;

/** A call counted in a window: the count with it included, and the window it fell in. */
interface Counted {
  count: number;
  windowStart: number;
}

/** Pure: the state after counting one more call at `nowMs` (a new window starts from 0). */
export function withOneMore(previous: WindowState | undefined, nowMs: number, windowSeconds: number): WindowState {
  const windowMs = windowSeconds * 1000;
  const windowStart = Math.floor(nowMs / windowMs) * windowMs;
  return { windowStart, count: (previous?.windowStart === windowStart ? previous.count : 0) + 1 };
}

function counterRef(db: Firestore, { uid, bucket, windowSeconds, collection = "rateLimits" }: CountedWindow) {
  if (!bucketPattern.test(bucket) || !(windowSeconds > 0)) throw new Error(`Invalid rate limit bucket or window: ${bucket}`);
  return db.collection(collection).doc(uid).collection("buckets").doc(bucket);
}

/**
 * What this instance last saw of each counter document, written or read: its state and update time
 * (none when the document did not exist). Counting starts from it without a read, and the commit is a
 * compare-and-set on that update time (or on the document's absence), so a state another instance has
 * changed meanwhile is never written over: the commit fails and the counter is read afresh. Bounded;
 * the least recently used goes first.
 */
interface SeenCounter {
  state: WindowState | undefined;
  updateTime: Timestamp | undefined;
}
const seenCounters = new Map<string, SeenCounter>();
const maxSeenCounters = 10_000;

function remember(path: string, seen: SeenCounter): void {
  seenCounters.delete(path);
  seenCounters.set(path, seen);
  if (seenCounters.size > maxSeenCounters) seenCounters.delete(seenCounters.keys().next().value as string);
}

const grpcNotFound = 5;
const grpcAlreadyExists = 6;
const grpcFailedPrecondition = 9;
/** A compare-and-set lost to another writer (or to the document's deletion): read afresh and try again. */
const lostRace = (error: unknown) => [grpcNotFound, grpcAlreadyExists, grpcFailedPrecondition].includes((error as { code?: number })?.code ?? -1);
/** Compare-and-set attempts before a counter counts as hot and the change queues in a transaction instead. */
const compareAndSetAttempts = 3;

const stateOf = (data: DocumentData | undefined): WindowState | undefined => data && { windowStart: data.windowStart as number, count: data.count as number };
const counterDocument = (state: WindowState, window: CountedWindow) => ({
  ...state,
  expiresAt: Timestamp.fromMillis(state.windowStart + window.windowSeconds * 1000),
});

/**
 * Changes the counters of `windows` in one commit, each only if it is as this instance last saw it;
 * after a lost race, reads them afresh (one round trip for all) and tries again. `change` gets the
 * states and the time and returns each new state (undefined: leave that one as it is). So a counter
 * this instance keeps counting costs one round trip and no read. A counter still contended after a few
 * attempts (many calls of one user at once) is changed in a transaction, which Firestore serializes
 * rather than letting the racers collide again; its update time is then unknown, so it is forgotten.
 */
async function changeCounters(
  db: Firestore,
  windows: readonly CountedWindow[],
  change: (states: Array<WindowState | undefined>, nowMs: number) => Array<WindowState | undefined>,
  now: () => number,
): Promise<Array<WindowState | undefined>> {
  const refs = windows.map((window) => counterRef(db, window));
  let seen = refs.map((ref) => seenCounters.get(ref.path));
  for (let attempt = 1; attempt <= compareAndSetAttempts; attempt += 1) {
    if (seen.some((counter) => counter === undefined)) {
      const snapshots = await db.getAll(...refs);
      seen = snapshots.map((snapshot) => {
        const counter = { state: stateOf(snapshot.data()), updateTime: snapshot.updateTime };
        remember(snapshot.ref.path, counter);
        return counter;
      });
    }
    const known = seen as SeenCounter[];
    const next = change(
      known.map((counter) => counter.state),
      now(),
    );
    const batch = db.batch();
    const written: number[] = [];
    next.forEach((state, index) => {
      if (!state) return;
      const { updateTime } = known[index];
      if (updateTime) batch.update(refs[index], counterDocument(state, windows[index]), { lastUpdateTime: updateTime });
      else batch.create(refs[index], counterDocument(state, windows[index]));
      written.push(index);
    });
    if (written.length === 0) return known.map((counter) => counter.state);
    try {
      const results = await batch.commit();
      written.forEach((index, position) => remember(refs[index].path, { state: next[index], updateTime: results[position].writeTime }));
      return next.map((state, index) => state ?? known[index].state);
    } catch (error) {
      if (!lostRace(error)) throw error;
      for (const ref of refs) seenCounters.delete(ref.path);
      seen = refs.map(() => undefined);
      // Racers that lost together should not collide again at once.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 4 * attempt));
    }
  }
  const states = await db.runTransaction(async (transaction) => {
    const current = (await transaction.getAll(...refs)).map((snapshot) => stateOf(snapshot.data()));
    const next = change(current, now());
    next.forEach((state, index) => {
      // Merged: the window's document may carry more than its count (the tokens of key-usage.ts).
      if (state) transaction.set(refs[index], counterDocument(state, windows[index]), { merge: true });
    });
    return next.map((state, index) => state ?? current[index]);
  });
  for (const ref of refs) seenCounters.delete(ref.path);
  return states;
}

/** Counts one call in each of `windows`, in one commit; resolves with each count, this call included. */
async function countOneCall(db: Firestore, windows: readonly CountedWindow[], now: () => number): Promise<Counted[]> {
  const states = await changeCounters(db, windows, (previous, nowMs) => previous.map((state, index) => withOneMore(state, nowMs, windows[index].windowSeconds)), now);
  return states.map((state) => ({ count: state!.count, windowStart: state!.windowStart }));
}

/** Takes back calls counted by countOneCall, each only while its window is still the current one. */
async function uncount(db: Firestore, counted: Array<{ window: CountedWindow; windowStart: number }>, now: () => number): Promise<void> {
  await changeCounters(
    db,
    counted.map(({ window }) => window),
    (states) => states.map((state, index) => (state && state.windowStart === counted[index].windowStart && state.count > 0 ? { ...state, count: state.count - 1 } : undefined)),
    now,
  );
}

/**
 * A call whose windows were counted ahead, at its start, in one commit (`countedAhead`): consumeRateLimit
 * inside the call decides on those counts instead of counting again, and counts nothing else before the
 * call is within its first limit.
 */
interface CountedAhead {
  db: Firestore;
  now: () => number;
  first: RateLimitRequest;
  counts: Map<string, Promise<Counted>>;
  claimed: Set<string>;
  /** Settles once the first limit has decided: resolves when within it, rejects with its refusal. */
  firstVerdict?: Promise<unknown>;
}
const countingAhead = new AsyncLocalStorage<CountedAhead>();

/**
 * Runs `work` for one call of `first.uid`, having counted the call in `first`'s window and in `others`
 * in one commit, started before `work` and running beside it (an AI call loads its stack meanwhile).
 * `work` gets `admitted`, which resolves once `first` has let the call through (and rejects with its
 * refusal): what costs something, such as reading and decrypting a key, waits for it, so a refused call
 * costs nothing more. Within `work`, consumeRateLimit for these buckets decides on the counts made ahead,
 * and any other counting waits until `first` has let the call through; a refusal by `first` is the
 * call's answer whatever else failed meanwhile. Counts `work` did not claim (an AI call that ended up on
 * the shared key, or failed before it used the user's own) are taken back before this resolves.
 */
export async function countedAhead<T>(
  first: RateLimitRequest,
  others: readonly CountedWindow[],
  work: (admitted: Promise<unknown>) => Promise<T>,
  db: Firestore = firestore(),
  now: () => number = Date.now,
): Promise<T> {
  // A window this instance already saw full refuses at once: no count, no key read, no round trip.
  const seen = seenCounters.get(counterRef(db, first).path)?.state;
  const decision = seen && decideFixedWindow(seen, now(), first.limit, first.windowSeconds);
  if (decision && !decision.allowed) refuse(first, decision);
  const windows = [first, ...others];
  const counting = countOneCall(db, windows, now);
  const scope: CountedAhead = {
    db,
    now,
    first,
    counts: new Map(windows.map((window, index) => [window.bucket, counting.then((counts) => counts[index])])),
    claimed: new Set(),
  };
  const firstVerdict = countingAhead.run(scope, () => consumeRateLimit(first, db, now));
  scope.firstVerdict = firstVerdict;
  firstVerdict.catch(() => undefined); // observed below, once `work` has settled
  try {
    const result = await countingAhead.run(scope, () => work(firstVerdict));
    await firstVerdict;
    return result;
  } catch (error) {
    await firstVerdict;
    throw error;
  } finally {
    await releaseUnclaimed(scope, windows, counting);
  }
}

async function releaseUnclaimed(scope: CountedAhead, windows: readonly CountedWindow[], counting: Promise<Counted[]>): Promise<void> {
  const counts = await counting.catch(() => undefined);
  if (!counts) return; // nothing was counted
  const unclaimed = windows.map((window, index) => ({ window, windowStart: counts[index].windowStart })).filter(({ window }) => !scope.claimed.has(window.bucket));
  if (unclaimed.length === 0) return;
  try {
    await uncount(scope.db, unclaimed, scope.now);
  } catch (error) {
    // The call is over; a count not taken back only brings its user a little nearer their limit.
    logs.rateLimitStoreFailure(windows[0].uid, unclaimed.map(({ window }) => window.bucket).join(","), error);
  }
}

/**
 * Counts one call against `bucket` for `uid`. Over the limit: AppError RATE_LIMITED with
 * `retryAfterSeconds`, and the call is not counted. Firestore unreachable: KEY_STORE_UNAVAILABLE
 * (nothing was done). A window this instance already saw full is refused without a round trip: its
 * count cannot have fallen below the limit since, whoever counts, as a count is only taken back when it
 * went over the limit (countedAhead's unused counts are taken back too, but those buckets are decided
 * on the count made ahead, never here).
 */
export async function consumeRateLimit(
  request: RateLimitRequest,
  db: Firestore = firestore(),
  now: () => number = Date.now,
): Promise<{ remaining: number }> {
  const { uid, bucket, limit, windowSeconds } = request;
  const ref = counterRef(db, request);
  const scope = countingAhead.getStore();
  const isFirst = scope?.first.bucket === bucket && scope.first.uid === uid;
  // Nothing else is counted for a call before its first limit let it through.
  if (scope && !isFirst) await scope.firstVerdict;
  const ahead = scope && scope.first.uid === uid && !scope.claimed.has(bucket) ? scope.counts.get(bucket) : undefined;
  if (ahead) scope!.claimed.add(bucket);

  const seen = seenCounters.get(ref.path)?.state;
  const atStart = now();
  if (!ahead && seen && !decideFixedWindow(seen, atStart, limit, windowSeconds).allowed) {
    return refuse(request, decideFixedWindow(seen, atStart, limit, windowSeconds));
  }
  let counted: Counted;
  try {
    counted = ahead ? await ahead : (await countOneCall(db, [request], now))[0];
  } catch (error) {
    if (error instanceof AppError) throw error;
    logs.rateLimitStoreFailure(uid, bucket, error);
    throw keyStoreUnavailable();
  }
  if (counted.count <= limit) return { remaining: limit - counted.count };
  // Over the limit: this call is not one of the window's calls after all.
  try {
    await uncount(db, [{ window: request, windowStart: counted.windowStart }], now);
  } catch (error) {
    logs.rateLimitStoreFailure(uid, bucket, error);
  }
  return refuse(request, decideFixedWindow({ windowStart: counted.windowStart, count: limit }, now(), limit, windowSeconds));
}

function refuse({ uid, bucket, limit, windowSeconds }: RateLimitRequest, decision: WindowDecision): never {
  const retryAfterSeconds = decision.allowed ? 1 : decision.retryAfterSeconds;
  logs.rateLimited(uid, bucket, limit, windowSeconds, retryAfterSeconds);
  throw rateLimited(retryAfterSeconds);
}

/**
 * Calls counted for `uid` in `bucket`'s current window, without counting one, with the rest of the window's
 * document (what else is kept beside the count, e.g. the tokens of key-usage.ts) and the window's start.
 * Firestore unreachable: KEY_STORE_UNAVAILABLE.
 */
export async function readWindow(
  { uid, bucket, windowSeconds }: Omit<RateLimitRequest, "limit">,
  db: Firestore = firestore(),
  now: () => number = Date.now,
): Promise<{ count: number; windowStart: number; data: DocumentData | undefined }> {
  try {
    const snapshot = await db.collection("rateLimits").doc(uid).collection("buckets").doc(bucket).get();
    const at = now();
    const data = snapshot.exists ? snapshot.data() : undefined;
    const windowMs = windowSeconds * 1000;
    return { count: countInWindow(data as WindowState | undefined, at, windowSeconds), windowStart: Math.floor(at / windowMs) * windowMs, data };
  } catch (error) {
    logs.rateLimitStoreFailure(uid, bucket, error);
    throw keyStoreUnavailable();
  }
}

/**
 * Writes `fields` (field paths, increments) into a counted window's document beside its count, as one
 * write. When this instance holds the document's last update time (its compare-and-set view, see
 * changeCounters), the write is conditioned on it and the view moves on with it, so that this write does not
 * make the next count lose its race and read again; when the view is stale or absent, a plain update.
 */
export async function addToWindow(window: CountedWindow, fields: Record<string, unknown>, db: Firestore = firestore()): Promise<void> {
  const ref = counterRef(db, window);
  const seen = seenCounters.get(ref.path);
  if (seen?.updateTime) {
    try {
      const written = await ref.update(fields, { lastUpdateTime: seen.updateTime });
      remember(ref.path, { state: seen.state, updateTime: written.writeTime });
      return;
    } catch (error) {
      if (!lostRace(error)) throw error;
      seenCounters.delete(ref.path);
    }
  }
  await ref.update(fields);
}
