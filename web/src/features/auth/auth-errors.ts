import { FirebaseError } from "firebase/app";

/** A sign-in failure as the user reads it, beside the field at fault when there is one. */
export interface AuthErrorDescription {
  message: string;
  field?: "email" | "password";
}

/** `undefined` when the user simply closed the Google window: nothing to say. */
export function describeAuthError(error: unknown): AuthErrorDescription | undefined {
  const code = error instanceof FirebaseError ? error.code : "";
  switch (code) {
    case "auth/popup-closed-by-user":
    case "auth/cancelled-popup-request":
    case "auth/user-cancelled":
      return undefined;
    case "auth/invalid-email":
      return { field: "email", message: "Enter a valid email address, like name@example.com." };
    case "auth/missing-password":
      return { field: "password", message: "Enter your password." };
    case "auth/weak-password":
      return { field: "password", message: "Choose a password of at least 6 characters." };
    case "auth/wrong-password":
    case "auth/invalid-credential":
    case "auth/invalid-login-credentials":
    case "auth/user-not-found":
      return { message: "That email and password don't match an account. Check them and try again, or create an account." };
    case "auth/email-already-in-use":
      return { message: "An account with this email already exists. Sign in to it instead, or use another email." };
    case "auth/user-disabled":
      return { message: "This account has been disabled." };
    case "auth/too-many-requests":
      return { message: "Too many attempts. Wait a moment, then try again." };
    case "auth/network-request-failed":
      return { message: "The sign-in service couldn't be reached. Check your connection and try again." };
    case "auth/popup-blocked":
      return { message: "Your browser blocked the Google sign-in window. Allow pop-ups for this site and try again." };
    case "auth/operation-not-allowed":
      return { message: "This way of signing in isn't enabled for Interview AI." };
    default:
      return { message: "Sign-in didn't work. Try again in a moment." };
  }
}
