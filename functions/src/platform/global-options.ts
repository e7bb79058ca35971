import { setGlobalOptions } from "firebase-functions/v2";

/**
 * Options every function shares. Its own module, imported by index.ts before the callables: onCall()
 * reads the global options when it runs, at the callable module's import, and imports run before any
 * line of index.ts's body.
 */
setGlobalOptions({ region: "us-central1", maxInstances: 10 });
