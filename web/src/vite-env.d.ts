/// <reference types="vite/client" />

interface ImportMetaEnv {
  /**
   * The reCAPTCHA Enterprise site key this web app is registered with in App Check (a public value,
   * like the rest of the web config). Read at build time; Hosting's init.json does not carry it.
   */
  readonly VITE_RECAPTCHA_ENTERPRISE_SITE_KEY?: string;
}
