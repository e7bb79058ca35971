import type { FirebaseApp } from "firebase/app";

/**
 * True only in builds for the emulators (`vite build --mode emulators`, which npm start and npm test
 * run, and `vite dev`); vite.config.ts sets it. A production build is false here, so the bundler drops
 * the emulator token maker from it altogether.
 */
declare const __EMULATOR_APP_CHECK__: boolean;

/**
 * Starts App Check, so that every callable request carries a token proving it comes from this web app.
 * Production: reCAPTCHA Enterprise with the site key the build was given. The emulators (a `demo-`
 * project): tokens made offline that the Functions emulator accepts (see emulator-app-check.ts).
 * Without either, the app runs without App Check and the functions refuse its calls while they enforce it.
 */
export async function startAppCheck(app: FirebaseApp, usesEmulators: boolean): Promise<void> {
  const { initializeAppCheck, ReCaptchaEnterpriseProvider } = await import("firebase/app-check");
  if (usesEmulators) {
    if (!__EMULATOR_APP_CHECK__) {
      console.error("App Check: this is a production build, which cannot make tokens for the emulators. Run the app with npm start.");
      return;
    }
    const { emulatorAppCheckProvider } = await import("./emulator-app-check");
    initializeAppCheck(app, { provider: emulatorAppCheckProvider(app.options), isTokenAutoRefreshEnabled: true });
    return;
  }
  const siteKey = import.meta.env.VITE_RECAPTCHA_ENTERPRISE_SITE_KEY;
  if (!siteKey) {
    console.error("App Check: this build has no reCAPTCHA Enterprise site key (VITE_RECAPTCHA_ENTERPRISE_SITE_KEY); see docs/app-check.md.");
    return;
  }
  initializeAppCheck(app, { provider: new ReCaptchaEnterpriseProvider(siteKey), isTokenAutoRefreshEnabled: true });
}
