import { initializeApp, type FirebaseApp, type FirebaseOptions } from "firebase/app";
import { browserLocalPersistence, connectAuthEmulator, initializeAuth, type Auth } from "firebase/auth";
import type { Functions } from "firebase/functions";

/**
 * Where the emulators listen, injected by vite.config.ts from firebase.json into builds for the emulators;
 * null in every other build (the deploy's), which so carries no code to talk to them.
 */
declare const __FIREBASE_EMULATORS__: {
  authUrl: string;
  functions: { host: string; port: number };
  /** Read by History alone (features/history/firestore.ts). */
  firestore: { host: string; port: number };
} | null;

/** The callables are deployed to this region (functions/src/index.ts sets the same). */
const functionsRegion = "us-central1";

export interface FirebaseServices {
  app: FirebaseApp;
  auth: Auth;
  /** True for `demo-` projects, which exist only on the emulators. */
  usesEmulators: boolean;
}

let services: Promise<FirebaseServices> | undefined;
let functions: Promise<Functions> | undefined;

/**
 * Initializes Firebase once, from the config Firebase Hosting serves at a reserved URL (the
 * Hosting emulator serves the demo project's), so no project settings are compiled in.
 */
export function loadFirebase(): Promise<FirebaseServices> {
  services ??= initialize().catch((error: unknown) => {
    services = undefined; // let a retry fetch the config again
    throw error;
  });
  return services;
}

async function initialize(): Promise<FirebaseServices> {
  const response = await fetch("/__/firebase/init.json");
  if (!response.ok) throw new Error(`Firebase config unavailable (HTTP ${response.status})`);
  const config = (await response.json()) as FirebaseOptions & { projectId: string };
  const app = initializeApp(config);
  // Only the persistence we use: the session lives in localStorage, which keeps it across restarts and
  // tells other tabs of a sign-out as IndexedDB does; Auth's IndexedDB persistence, with its service-worker
  // messaging (this app has no worker), is 1.5 kB gzipped more on every first visit (docs/bench.md, line 7).
  // The popup resolver is passed to signInWithPopup when needed rather than initialized for every visitor.
  const auth = initializeAuth(app, { persistence: browserLocalPersistence });
  const usesEmulators = config.projectId.startsWith("demo-");
  if (usesEmulators) {
    if (!__FIREBASE_EMULATORS__) throw new Error("This is a production build, which cannot run on the emulators: run the app with npm start.");
    // The app shows its own emulator notice; the SDK's banner would cover the page's footer.
    connectAuthEmulator(auth, __FIREBASE_EMULATORS__.authUrl, { disableWarnings: true });
  }
  return { app, auth, usesEmulators };
}

/**
 * The Functions SDK, loaded on first use so the sign-in screen does not download it. App Check, which
 * only the callables need, starts here too, before the first call.
 */
export function loadFunctions(): Promise<Functions> {
  functions ??= (async () => {
    const [{ app, usesEmulators }, { getFunctions, connectFunctionsEmulator }, { startAppCheck }] = await Promise.all([
      loadFirebase(),
      import("firebase/functions"),
      import("./app-check"),
    ]);
    await startAppCheck(app, usesEmulators);
    const instance = getFunctions(app, functionsRegion);
    if (usesEmulators && __FIREBASE_EMULATORS__) {
      const { host, port } = __FIREBASE_EMULATORS__.functions;
      connectFunctionsEmulator(instance, host, port);
    }
    return instance;
  })();
  return functions;
}
