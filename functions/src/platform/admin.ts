import { getApps, initializeApp } from "firebase-admin/app";
import { getAuth, type Auth } from "firebase-admin/auth";
import { getFirestore, type Firestore } from "firebase-admin/firestore";

let db: Firestore | undefined;

/** The Admin SDK's Firestore, initialised on first use rather than at import (cheap cold starts, no test mocks). */
export function firestore(): Firestore {
  if (db) return db;
  if (getApps().length === 0) initializeApp();
  // Firestore's client makes OpenTelemetry spans of every read and commit with the process's tracer provider,
  // which in an AI instance is Genkit's: Genkit Monitoring would export them to Cloud Trace beside the flows'
  // (about ten per AI call, billed per span past the free tier), and making them costs the call's path CPU
  // (docs/bench.md). The app traces its AI flows, not its Firestore client. The SDK's own switch, read when the
  // client is made (firebase-admin passes no telemetry settings through); an operator's FIRESTORE_ENABLE_TRACING=ON wins.
  process.env.FIRESTORE_ENABLE_TRACING ??= "OFF";
  return (db = getFirestore());
}

/** The Admin SDK's Auth (the accounts' records: disabled, deleted, sessions revoked), initialised likewise. */
export function auth(): Auth {
  if (getApps().length === 0) initializeApp();
  return getAuth();
}
