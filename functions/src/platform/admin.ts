import { getApps, initializeApp } from "firebase-admin/app";
import { getAuth, type Auth } from "firebase-admin/auth";
import { getFirestore, type Firestore } from "firebase-admin/firestore";

/** The Admin SDK's Firestore, initialised on first use rather than at import (cheap cold starts, no test mocks). */
export function firestore(): Firestore {
  if (getApps().length === 0) initializeApp();
  return getFirestore();
}

/** The Admin SDK's Auth (the accounts' records: disabled, deleted, sessions revoked), initialised likewise. */
export function auth(): Auth {
  if (getApps().length === 0) initializeApp();
  return getAuth();
}
