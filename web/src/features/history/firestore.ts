import { connectFirestoreEmulator, getFirestore, type Firestore } from "firebase/firestore/lite";
import { loadFirebase } from "../../lib/firebase";

/** As in lib/firebase.ts: the emulators' addresses in builds for the emulators, null in every other build. */
declare const __FIREBASE_EMULATORS__: { firestore: { host: string; port: number } } | null;

let firestore: Promise<Firestore> | undefined;

/**
 * Firestore Lite, for the owner's practice history only. It lives in History's lazy chunk (not in
 * lib/firebase.ts, which every visitor loads), so the first visit does not carry even its loader.
 * On the emulators it is connected to the Firestore emulator, as Auth and Functions are.
 */
export function loadFirestore(): Promise<Firestore> {
  firestore ??= loadFirebase().then(({ app, usesEmulators }) => {
    const instance = getFirestore(app);
    if (usesEmulators && __FIREBASE_EMULATORS__) {
      const { host, port } = __FIREBASE_EMULATORS__.firestore;
      connectFirestoreEmulator(instance, host, port);
    }
    return instance;
  });
  return firestore;
}
