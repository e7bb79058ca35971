import type { User } from "firebase/auth";
import { lazy, Suspense } from "react";
import { paths, usePath } from "./lib/router";
import { Link } from "./ui/link";
import { Loading } from "./ui/loading";
import { Page } from "./ui/page";

/**
 * What a signed-in user sees around the pages: the navigation and the routes. Its own chunk (app.tsx
 * loads it once someone is signed in), so a first visit, signed out, carries none of it.
 */

const PracticePage = lazy(() => import("./features/interview/practice-page"));
const SettingsPage = lazy(() => import("./features/settings/settings-page"));
// History, with Firestore Lite, is its own chunk too: nobody downloads it before opening it.
const HistoryPage = lazy(() => import("./features/history/history-page"));

export function Account({ user, onSignOut }: { user: User; onSignOut: () => void }) {
  const path = usePath();
  return (
    <>
      <nav aria-label="Main" className="main-nav">
        <NavLink to={paths.practice} current={path}>
          Practice
        </NavLink>
        <NavLink to={paths.history} current={path.startsWith(paths.history) ? paths.history : path}>
          History
        </NavLink>
        <NavLink to={paths.settings} current={path}>
          Settings
        </NavLink>
      </nav>
      <div className="account">
        <span className="account-email" title={user.email ?? undefined}>
          {user.email ?? user.displayName}
        </span>
        <button type="button" className="button button-quiet" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </>
  );
}

function NavLink({ to, current, children }: { to: string; current: string; children: string }) {
  return (
    <Link to={to} aria-current={to === current ? "page" : undefined}>
      {children}
    </Link>
  );
}

export default function SignedIn({ uid }: { uid: string }) {
  const path = usePath();
  const onPractice = path === paths.practice;
  const onHistory = path === paths.history || path.startsWith(`${paths.history}/`);
  return (
    <>
      {/* Practice stays mounted while hidden, so an interview in progress survives a trip to Settings. */}
      <div hidden={!onPractice}>
        <Suspense fallback={<Loading />}>
          <PracticePage visible={onPractice} uid={uid} />
        </Suspense>
      </div>
      {path === paths.settings && (
        <Suspense fallback={<Loading />}>
          <SettingsPage />
        </Suspense>
      )}
      {onHistory && (
        <Suspense fallback={<Loading />}>
          <HistoryPage uid={uid} path={path} />
        </Suspense>
      )}
      {!onPractice && !onHistory && path !== paths.settings && (
        <Page title="Page not found">
          <p>
            There is nothing at this address. <Link to={paths.practice}>Go to practice</Link>
          </p>
        </Page>
      )}
    </>
  );
}
