import type { FirebaseOptions } from "firebase/app";
import { CustomProvider, type AppCheckToken } from "firebase/app-check";

/**
 * App Check for the emulators, where nothing may reach Google: the debug provider would exchange its
 * token online, so this provider makes tokens itself. The Functions emulator runs firebase-functions
 * with the debug feature `skipTokenVerification`, which decodes an App Check token without verifying it
 * (no signature, expiry, audience, issuer or app check) and reports it as never consumed; it refuses
 * only a call that carries no token. These tokens therefore need no signature. They carry a real
 * token's claims so that the functions see what production shows them: `request.app.appId`, and a
 * fresh `jti` for each limited-use token.
 *
 * Production builds hold none of this: lib/firebase.ts imports this file only in builds for the
 * emulators, and only for a `demo-` project. The tests' Firebase client uses it too.
 */
export function emulatorAppCheckProvider(options: FirebaseOptions): CustomProvider {
  return new CustomProvider({ getToken: () => Promise.resolve(emulatorAppCheckToken(options)) });
}

/** How long an emulator token claims to be valid; real App Check tokens default to one hour. */
const tokenLifetimeMs = 60 * 60 * 1000;

/** An unsigned token with App Check's claims for this app, valid for an hour from `nowMs`. */
export function emulatorAppCheckToken(options: FirebaseOptions, nowMs = Date.now()): AppCheckToken {
  const projectId = options.projectId ?? "demo-project";
  const expireTimeMillis = nowMs + tokenLifetimeMs;
  const claims = {
    iss: `https://firebaseappcheck.googleapis.com/${projectId}`,
    sub: options.appId ?? `emulator-web-app-${projectId}`,
    aud: [`projects/${projectId}`],
    iat: Math.floor(nowMs / 1000),
    exp: Math.floor(expireTimeMillis / 1000),
    jti: crypto.randomUUID(),
  };
  return { token: unsignedJwt(claims), expireTimeMillis };
}

/** A JWT with `alg: none` and an empty signature: what the emulator decodes, and nothing else accepts. */
export function unsignedJwt(claims: object): string {
  return `${base64Url({ alg: "none", typ: "JWT" })}.${base64Url(claims)}.`;
}

function base64Url(value: object): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}
