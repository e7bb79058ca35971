import { signOut, type User } from "firebase/auth";
import { lazy, Suspense, useEffect, useState } from "react";
import { useAuthUser } from "./features/auth/use-auth-user";
import { SignInPage } from "./features/auth/sign-in-page";
import { loadFirebase, type FirebaseServices } from "./lib/firebase";
import { paths, usePath } from "./lib/router";
import { Link } from "./ui/link";
import { Page } from "./ui/page";

// Signed-out visitors download neither feature nor the Functions SDK they use.
const PracticePage = lazy(() => import("./features/interview/practice-page"));
const SettingsPage = lazy(() => import("./features/settings/settings-page"));
// History, with Firestore Lite, is its own chunk too: nobody downloads it before opening it.
const HistoryPage = lazy(() => import("./features/history/history-page"));

export function App() {
  const [firebase, setFirebase] = useState<FirebaseServices>();
  const [startupFailed, setStartupFailed] = useState(false);
  useEffect(() => {
    loadFirebase().then(setFirebase, () => setStartupFailed(true));
  }, []);
  const user = useAuthUser(firebase?.auth);

  let content;
  if (startupFailed) {
    content = (
      <div className="card">
        <Page title="Interview AI can't start">
          <p>Its configuration couldn't be loaded. Check your connection, then reload the page.</p>
        </Page>
      </div>
    );
  } else if (!firebase || user === undefined) {
    content = <Loading />;
  } else if (user) {
    // Keyed by user so nothing of one account's session survives into the next.
    content = <SignedIn key={user.uid} uid={user.uid} />;
  } else {
    content = <SignInPage auth={firebase.auth} />;
  }

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="container header-inner">
          <span className="brand">Interview AI</span>
          {firebase && user && <Account user={user} onSignOut={() => void signOut(firebase.auth)} />}
        </div>
      </header>
      <main id="main" className="container site-main" tabIndex={-1}>
        {content}
      </main>
      {firebase?.usesEmulators && (
        <footer className="site-footer">
          <p className="container">Running on the local Firebase emulators (demo project).</p>
        </footer>
      )}
    </>
  );
}

function Account({ user, onSignOut }: { user: User; onSignOut: () => void }) {
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

function SignedIn({ uid }: { uid: string }) {
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

function Loading() {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" /> Loading…
    </p>
  );
}
