import { getApps, initializeApp } from "firebase-admin/app";
import { getFirestore, type Firestore } from "firebase-admin/firestore";
import { loadStackConfig } from "../../dev/stack-config";

/** The Admin SDK on the Firestore emulator: how a test looks at what the functions really stored. */
export function adminDb(): Firestore {
  const config = loadStackConfig();
  process.env.FIRESTORE_EMULATOR_HOST ??= `${config.firestore.host}:${config.firestore.port}`;
  if (getApps().length === 0) initializeApp({ projectId: config.projectId });
  return getFirestore();
}
