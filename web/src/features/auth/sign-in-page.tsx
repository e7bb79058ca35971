import {
  browserPopupRedirectResolver,
  createUserWithEmailAndPassword,
  GoogleAuthProvider,
  signInWithEmailAndPassword,
  signInWithPopup,
  type Auth,
} from "firebase/auth";
import { useState, type FormEvent } from "react";
import { navigate, paths } from "../../lib/router";
import { ErrorNotice } from "../../ui/error-notice";
import { describedBy, Field } from "../../ui/field";
import { Page } from "../../ui/page";
import type { AuthErrorDescription } from "./auth-errors";

type Mode = "signIn" | "signUp";

const minPasswordLength = 6;

function validate(mode: Mode, email: string, password: string): AuthErrorDescription | undefined {
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    return { field: "email", message: "Enter a valid email address, like name@example.com." };
  }
  if (!password) return { field: "password", message: "Enter your password." };
  if (mode === "signUp" && password.length < minPasswordLength) {
    return { field: "password", message: `Choose a password of at least ${minPasswordLength} characters.` };
  }
  return undefined;
}

/**
 * The failure as the user reads it. The texts load on the first failure, not with the sign-in screen (0.6 kB
 * off every first visit); if they cannot load, the network is what failed, and this says so.
 */
async function describeFailure(failure: unknown): Promise<AuthErrorDescription | undefined> {
  try {
    const { describeAuthError } = await import("./auth-errors");
    return describeAuthError(failure);
  } catch {
    return { message: "Sign-in didn't work, and this page couldn't reach the site. Check your connection and try again." };
  }
}

/** A text input's value; "" when the form has no such field (FormData would give null, or a File for a file input). */
function textField(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

/** The only screen a signed-out visitor sees: sign in, create an account, or continue with Google. */
export function SignInPage({ auth }: { auth: Auth }) {
  const [mode, setMode] = useState<Mode>("signIn");
  const [error, setError] = useState<AuthErrorDescription>();
  const [busy, setBusy] = useState(false);
  const signingUp = mode === "signUp";

  const run = async (attempt: () => Promise<unknown>, afterwards?: () => void) => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await attempt();
      afterwards?.();
    } catch (failure) {
      setError(await describeFailure(failure));
      setBusy(false);
    }
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = textField(form, "email").trim();
    const password = textField(form, "password");
    const invalid = validate(mode, email, password);
    if (invalid) {
      setError(invalid);
      if (invalid.field) document.getElementById(invalid.field)?.focus();
      return;
    }
    void run(
      () =>
        signingUp ? createUserWithEmailAndPassword(auth, email, password) : signInWithEmailAndPassword(auth, email, password),
      // A new account has no key yet, and nothing works without one: start where it is added.
      signingUp ? () => navigate(paths.settings) : undefined,
    );
  };

  const switchMode = () => {
    setMode(signingUp ? "signIn" : "signUp");
    setError(undefined);
  };

  const fieldError = (field: AuthErrorDescription["field"]) => (error && error.field === field ? error.message : undefined);

  return (
    <div className="auth-card card">
      <Page title={signingUp ? "Create your account" : "Sign in"}>
        <p className="auth-intro">Practise job interviews with AI, on your own API key from the provider you choose.</p>
        <form className="stack" noValidate onSubmit={submit}>
          <Field id="email" label="Email" error={fieldError("email")}>
            <input
              {...describedBy("email", { error: fieldError("email") })}
              name="email"
              type="email"
              autoComplete="email"
              inputMode="email"
              required
            />
          </Field>
          <Field
            id="password"
            label="Password"
            hint={signingUp ? `At least ${minPasswordLength} characters.` : undefined}
            error={fieldError("password")}
          >
            <input
              {...describedBy("password", { hint: signingUp, error: fieldError("password") })}
              name="password"
              type="password"
              autoComplete={signingUp ? "new-password" : "current-password"}
              required
            />
          </Field>
          <ErrorNotice error={error && !error.field ? error : undefined} />
          <button type="submit" className="button button-primary" aria-disabled={busy || undefined}>
            {signingUp ? "Create account" : "Sign in"}
          </button>
        </form>
        <div className="divider" role="presentation">
          <span>or</span>
        </div>
        <button
          type="button"
          className="button button-secondary button-wide"
          aria-disabled={busy || undefined}
          // signInWithPopup must run within the click itself, or the browser blocks the window.
          onClick={() => void run(() => signInWithPopup(auth, new GoogleAuthProvider(), browserPopupRedirectResolver))}
        >
          Continue with Google
        </button>
        <p className="auth-switch">
          {signingUp ? "Already have an account?" : "New to Interview AI?"}{" "}
          <button type="button" className="link-button" onClick={switchMode}>
            {signingUp ? "Sign in" : "Create an account"}
          </button>
        </p>
      </Page>
    </div>
  );
}
