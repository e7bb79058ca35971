import { useEffect, useRef, useState } from "react";
import { providerInfo } from "../../../../functions/src/providers";
import type { ApiKeyStatus, Provider } from "../../lib/callables";
import type { ErrorDescription } from "../../lib/error-messages";
import { providerPages } from "../../lib/provider-pages";
import { ErrorNotice } from "../../ui/error-notice";
import { ExternalLink } from "../../ui/link";
import { ApiKeyForm } from "./api-key-form";
import { CheckKeyButton } from "./check-key-button";
import { DailyLimitForm } from "./daily-limit-form";
import { KeyActivity } from "./key-activity";
import { KeyStatusCard } from "./key-status-card";
import { ModelChoice } from "./model-choice";
import { RemoveKeyButton } from "./remove-key-button";

/**
 * One provider's key: its status, checking it again, saving a new one, removing it, its daily limit and
 * its recent activity.
 */
export function ProviderKeyCard({
  provider,
  status,
  loading,
  onStatus,
  focusKeyFieldOnMount = false,
  startOpen = false,
}: {
  provider: Provider;
  status: ApiKeyStatus | undefined;
  /** The statuses are on their way (undefined `status` otherwise: they could not be loaded, which the page says). */
  loading: boolean;
  onStatus: (status: ApiKeyStatus) => void;
  /** After every key was removed at once, the first card's key field takes the focus: adding a key is next. */
  focusKeyFieldOnMount?: boolean;
  /**
   * Show the full form even without a key (the first provider, while the user has no key at all). Any
   * other provider without a key is one compact row, "Add an OpenRouter key", that opens into the form:
   * four full cards would make Settings a long scroll.
   */
  startOpen?: boolean;
}) {
  // Once open, a card stays open for as long as the page shows it (also after its key is removed).
  const [opened, setOpened] = useState(startOpen);
  if (startOpen && !opened) setOpened(true);
  const [focusAfterOpening, setFocusAfterOpening] = useState(false);
  const [confirmation, setConfirmation] = useState("");
  const [checkError, setCheckError] = useState<ErrorDescription>();
  // Bumped after every action, so "Recent activity" shows what just happened.
  const [activityVersion, setActivityVersion] = useState(0);
  const keyInput = useRef<HTMLInputElement>(null);
  const activityChanged = () => setActivityVersion((version) => version + 1);
  const { label, console: keysConsole, keysUrl } = providerInfo[provider];
  const pages = providerPages[provider];
  const headingId = `${provider}-key-heading`;

  useEffect(() => {
    if (focusKeyFieldOnMount || focusAfterOpening) keyInput.current?.focus();
  }, [focusKeyFieldOnMount, focusAfterOpening]);

  if (status && !status.hasKey && !opened) {
    return (
      <section className="card provider-row" aria-labelledby={headingId}>
        <h2 id={headingId}>{label}</h2>
        <p className="provider-row-note">No key saved</p>
        <button
          type="button"
          className="button button-secondary"
          aria-expanded={false}
          onClick={() => {
            setOpened(true);
            setFocusAfterOpening(true);
          }}
        >
          Add {/^[AEIOU]/.test(label) ? "an" : "a"} {label} key
        </button>
      </section>
    );
  }

  return (
    <section className="card stack provider-card" aria-labelledby={headingId}>
      <h2 id={headingId}>Your {label} API key</h2>
      <p>
        <ExternalLink href={keysUrl}>Get a key in {keysConsole}</ExternalLink>: {pages.keysSteps}
      </p>
      {status ? (
        <KeyStatusCard
          status={status}
          actions={
            <>
              <CheckKeyButton
                provider={provider}
                onChecked={(checked, message) => {
                  onStatus(checked);
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
                provider={provider}
                onRemoved={() => {
                  // The card stays open: the user is here, and adding a key is next.
                  setOpened(true);
                  onStatus({ provider, hasKey: false });
                  setCheckError(undefined);
                  setConfirmation(`Your ${label} key was removed.`);
                  activityChanged();
                  // The button that had the focus is gone; the next thing to do is add a key.
                  keyInput.current?.focus();
                }}
              />
            </>
          }
        />
      ) : (
        loading && (
          <p className="loading" role="status">
            <span className="spinner" aria-hidden="true" /> Checking your {label} key…
          </p>
        )
      )}
      <ErrorNotice error={checkError} />
      <p className="confirmation" role="status">
        {confirmation}
      </p>
      <ApiKeyForm
        provider={provider}
        replacing={status?.hasKey ?? false}
        inputRef={keyInput}
        onAttempt={() => {
          setConfirmation("");
          setCheckError(undefined);
        }}
        onSaved={(saved) => {
          onStatus(saved);
          setConfirmation(`Your ${label} key ${saved.hint ?? ""} was verified and saved.`);
        }}
        onSettled={activityChanged}
      />
      {status?.hasKey && (
        <section className="stack" aria-labelledby={`${provider}-limit-heading`}>
          <h3 id={`${provider}-limit-heading`}>Daily limit</h3>
          <p>
            {capitalize(pages.billedTo)} pays for every request. A daily limit caps how many Interview AI may send with
            it.
          </p>
          <DailyLimitForm status={status} onSaved={onStatus} />
        </section>
      )}
      {status?.hasKey && (
        <section className="stack" aria-labelledby={`${provider}-model-heading`}>
          <h3 id={`${provider}-model-heading`}>Model</h3>
          <ModelChoice status={status} onSaved={onStatus} />
        </section>
      )}
      {/* Asked for once the status is known: a provider that turns out to have no key shows as a row without it. */}
      {status && <KeyActivity provider={provider} version={activityVersion} />}
    </section>
  );
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
