import { signOut } from "firebase/auth";
import { lazy, Suspense, useEffect, useState } from "react";
import { useAuthUser } from "./features/auth/use-auth-user";
import { SignInPage } from "./features/auth/sign-in-page";
import { loadFirebase, type FirebaseServices } from "./lib/firebase";
import { navigate, paths, usePath } from "./lib/router";
import { Loading } from "./ui/loading";
import { Page } from "./ui/page";

/** As in lib/firebase.ts: the emulators' addresses in builds for the emulators, null in every other build. */
declare const __FIREBASE_EMULATORS__: object | null;

// Signed-out visitors download none of what a signed-in user sees: the navigation, the pages' routes,
// the features and the Functions and Firestore SDKs they use (one chunk loads them, each feature its own).
const SignedIn = lazy(() => import("./signed-in"));
const Account = lazy(() => import("./signed-in").then((module) => ({ default: module.Account })));

export function App() {
  const [firebase, setFirebase] = useState<FirebaseServices>();
  const [startupFailed, setStartupFailed] = useState(false);
  useEffect(() => {
    loadFirebase().then(setFirebase, () => setStartupFailed(true));
  }, []);
  const user = useAuthUser(firebase?.auth);
  const path = usePath();
  // "Sign in again" (a session the server says has ended, error-messages.ts): drop the session, then sign in afresh.
  useEffect(() => {
    if (!firebase || path !== paths.signIn) return;
    void signOut(firebase.auth).finally(() => navigate(paths.practice));
  }, [firebase, path]);

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
    content = (
      <Suspense fallback={<Loading />}>
        <SignedIn key={user.uid} uid={user.uid} />
      </Suspense>
    );
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
          {firebase && user && (
            <Suspense fallback={null}>
              <Account user={user} onSignOut={() => void signOut(firebase.auth)} />
            </Suspense>
          )}
        </div>
      </header>
      <main id="main" className="container site-main" tabIndex={-1}>
        {content}
      </main>
      {/* Only a build for the emulators can run on them; the deploy's build carries no notice. */}
      {__FIREBASE_EMULATORS__ && firebase?.usesEmulators && (
        <footer className="site-footer">
          <p className="container">Running on the local Firebase emulators (demo project).</p>
        </footer>
      )}
    </>
  );
}
