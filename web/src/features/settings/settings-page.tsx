import { useRef, useState } from "react";
import type { ErrorDescription } from "../../lib/error-messages";
import { aiStudioKeyUrl } from "../../lib/error-messages";
import { ErrorNotice } from "../../ui/error-notice";
import { ExternalLink } from "../../ui/link";
import { Page } from "../../ui/page";
import { ApiKeyForm } from "./api-key-form";
import { CheckKeyButton } from "./check-key-button";
import { DailyLimitForm } from "./daily-limit-form";
import { KeyActivity } from "./key-activity";
import { KeyStatusCard } from "./key-status-card";
import { RemoveKeyButton } from "./remove-key-button";
import { useKeyStatus } from "./use-key-status";

/** Settings: the user's Gemini key — its status, checking it again, saving a new one, removing it — and its recent activity. */
export default function SettingsPage() {
  const { status, setStatus, loadError, reload } = useKeyStatus();
  const [confirmation, setConfirmation] = useState("");
  const [checkError, setCheckError] = useState<ErrorDescription>();
  // Bumped after every action, so "Recent activity" shows what just happened.
  const [activityVersion, setActivityVersion] = useState(0);
  const keyInput = useRef<HTMLInputElement>(null);
  const activityChanged = () => setActivityVersion((version) => version + 1);

  return (
    <Page title="Settings">
      <section className="card stack" aria-labelledby="key-heading">
        <h2 id="key-heading">Your Gemini API key</h2>
        <p>
          Interview AI runs on your own Gemini API key. It is encrypted before it is stored and is never shown again, not
          even to you: you will only see its first and last characters.
        </p>
        <p>
          <ExternalLink href={aiStudioKeyUrl}>Get a key in Google AI Studio</ExternalLink>: sign in with your Google account,
          choose “Create API key”, then paste the key below.
        </p>
        {loadError ? (
          <div>
            <ErrorNotice error={loadError} />
            <button type="button" className="button button-secondary" onClick={() => void reload()}>
              Try again
            </button>
          </div>
        ) : status ? (
          <KeyStatusCard
            status={status}
            actions={
              <>
                <CheckKeyButton
                  onChecked={(checked, message) => {
                    setStatus(checked);
                    setConfirmation(message);
                    activityChanged();
                  }}
                  onError={(error) => {
                    setCheckError(error);
                    if (error) {
                      setConfirmation("");
                      activityChanged();
                    }
                  }}
                />
                <RemoveKeyButton
                  onRemoved={() => {
                    setStatus({ provider: status.provider, hasKey: false });
                    setCheckError(undefined);
                    setConfirmation("Your key was removed.");
                    activityChanged();
                    // The button that had the focus is gone; the next thing to do is add a key.
                    keyInput.current?.focus();
                  }}
                />
              </>
            }
          />
        ) : (
          <p className="loading" role="status">
            <span className="spinner" aria-hidden="true" /> Checking your key…
          </p>
        )}
        <ErrorNotice error={checkError} />
        <p className="confirmation" role="status">
          {confirmation}
        </p>
        <ApiKeyForm
          replacing={status?.hasKey ?? false}
          inputRef={keyInput}
          onAttempt={() => {
            setConfirmation("");
            setCheckError(undefined);
          }}
          onSaved={(saved) => {
            setStatus(saved);
            setConfirmation(`Your key ${saved.hint ?? ""} was verified and saved.`);
          }}
          onSettled={activityChanged}
        />
      </section>
      {status?.hasKey && (
        <section className="card stack" aria-labelledby="limit-heading">
          <h2 id="limit-heading">Daily limit</h2>
          <p>Your key's Google project pays for every request. A daily limit caps how many Interview AI may send with it.</p>
          <DailyLimitForm status={status} onSaved={setStatus} />
        </section>
      )}
      <KeyActivity version={activityVersion} />
    </Page>
  );
}
