import { useSyncExternalStore } from "react";

/** A few paths are all the app has, so a History API store replaces a router dependency. */

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
}

export function navigate(path: string): void {
  if (path === window.location.pathname) return;
  window.history.pushState(null, "", path);
  listeners.forEach((listener) => listener());
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

/** `signIn`: signs the current session out and shows the sign-in page (a session the server says has ended). */
export const paths = { practice: "/", settings: "/settings", history: "/history", signIn: "/sign-in" } as const;

/** One practice in History. */
export const practicePath = (practiceId: string) => `${paths.history}/${encodeURIComponent(practiceId)}`;
