import { Firestore } from "firebase-admin/firestore";

/**
 * Counts the Firestore operations of this process at the client's edge, since the emulator counts
 * nothing: every RPC of the Admin SDK passes through `Firestore.request` (unary: commit, rollback,
 * beginTransaction) or `Firestore.requestStream` (batchGetDocuments, runQuery). Both are internal to
 * @google-cloud/firestore (stable since v4, present in the v9 that firebase-admin 14 ships); the bench
 * refuses to run if they are gone rather than report zeros.
 *
 * What is counted is what Firestore bills and what sets latency: documents read (a point read or a
 * transaction's read is one per document asked for), documents written (a set, update, create or
 * delete; a field transform rides on its write), transactions started, and round trips.
 */

export interface FirestoreOps {
  /** Documents asked for by batchGetDocuments (point reads and transaction reads). */
  reads: number;
  /** Queries run (each bills at least one read). */
  queries: number;
  /** Documents written by commits. */
  writes: number;
  /** Read-write transactions started (lazily, by their first read, or by beginTransaction). */
  transactions: number;
  /** Commits (a batch, a transaction's or a single write's). */
  commits: number;
  /** Round trips of any kind. */
  rpcs: number;
}

type Request = {
  documents?: unknown[];
  writes?: unknown[];
  newTransaction?: { readWrite?: unknown };
  transaction?: unknown;
};

const counts: FirestoreOps = { reads: 0, queries: 0, writes: 0, transactions: 0, commits: 0, rpcs: 0 };
let installed = false;
let commitListener: ((ms: number, writes: number) => void) | undefined;

/** Tells `listener` how long each commit took (to its answer) and how many documents it wrote; undefined stops. */
export function onCommit(listener: ((ms: number, writes: number) => void) | undefined): void {
  commitListener = listener;
}

function record(method: string, request: Request | undefined): void {
  counts.rpcs += 1;
  switch (method) {
    case "batchGetDocuments":
      counts.reads += request?.documents?.length ?? 0;
      if (request?.newTransaction?.readWrite) counts.transactions += 1;
      break;
    case "runQuery":
    case "runAggregationQuery":
      counts.queries += 1;
      if (request?.newTransaction?.readWrite) counts.transactions += 1;
      break;
    case "beginTransaction":
      counts.transactions += 1;
      break;
    case "commit":
      counts.commits += 1;
      counts.writes += request?.writes?.length ?? 0;
      break;
  }
}

/** Starts counting (once per process); every Firestore instance of the Admin SDK is counted. */
export function installFirestoreOpCounter(): void {
  if (installed) return;
  const prototype = Firestore.prototype as unknown as Record<"request" | "requestStream", (...args: unknown[]) => unknown>;
  for (const name of ["request", "requestStream"] as const) {
    const original = prototype[name];
    if (typeof original !== "function") {
      throw new Error(`@google-cloud/firestore has no Firestore.${name} any more: the bench cannot count Firestore operations.`);
    }
    // request(method, request, …) and requestStream(method, bidirectional, request, …).
    prototype[name] = function (this: unknown, ...args: unknown[]) {
      const request = (name === "request" ? args[1] : args[2]) as Request | undefined;
      record(args[0] as string, request);
      const started = performance.now();
      const result = original.apply(this, args);
      const listener = commitListener;
      if (args[0] === "commit" && listener) {
        const done = () => listener(performance.now() - started, request?.writes?.length ?? 0);
        (result as Promise<unknown>).then(done, done);
      }
      return result;
    };
  }
  installed = true;
}

/** The counts so far (a copy). */
export function firestoreOps(): FirestoreOps {
  return { ...counts };
}

/** What happened between two readings. */
export function opsBetween(before: FirestoreOps, after: FirestoreOps): FirestoreOps {
  return {
    reads: after.reads - before.reads,
    queries: after.queries - before.queries,
    writes: after.writes - before.writes,
    transactions: after.transactions - before.transactions,
    commits: after.commits - before.commits,
    rpcs: after.rpcs - before.rpcs,
  };
}
