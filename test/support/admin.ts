import { getApps, initializeApp } from "firebase-admin/app";
import { getAuth, type Auth } from "firebase-admin/auth";
import { getFirestore, type Firestore } from "firebase-admin/firestore";
import { loadStackConfig } from "../../dev/stack-config";

/** The Admin SDK on the emulators: how a test looks at what the functions really stored. */
function adminApp() {
  const config = loadStackConfig();
  process.env.FIRESTORE_EMULATOR_HOST ??= `${config.firestore.host}:${config.firestore.port}`;
  process.env.FIREBASE_AUTH_EMULATOR_HOST ??= `${config.auth.host}:${config.auth.port}`;
  if (getApps().length === 0) initializeApp({ projectId: config.projectId });
}

export function adminDb(): Firestore {
  adminApp();
  return getFirestore();
}

/** The uid the Auth emulator gave the account with this email (for a user signed up in the browser). */
export async function uidOf(email: string): Promise<string> {
  adminApp();
  return (await getAuth().getUserByEmail(email)).uid;
}

/** The Admin SDK's Auth on the Auth emulator: delete, disable or sign out an account as an operator would. */
export function adminAuth(): Auth {
  adminApp();
  return getAuth();
}
