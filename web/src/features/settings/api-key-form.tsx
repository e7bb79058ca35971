import { useState, type FormEvent, type RefObject } from "react";
import { providerInfo } from "../../../../functions/src/providers";
import { setApiKey, type ApiKeyStatus, type Provider } from "../../lib/callables";
// The format check uses the server's own key registry (a pure module): checking here too means a wrong
// paste, which might be some other secret or another provider's key, never leaves the browser.
import { describeError, keyFormatError, type ErrorDescription } from "../../lib/error-messages";
import { currentKeyPrefix } from "../../lib/provider-pages";
import { ErrorNotice, NextStepLink } from "../../ui/error-notice";
import { describedBy, Field } from "../../ui/field";
import { ProviderSuffix } from "./provider-suffix";

/** When a saved key is deleted by itself: never, or after one of these spans (setApiKey takes 1–365 days). */
const expiryChoices = [
  { value: "never", label: "Never", days: undefined },
  { value: "7", label: "After 7 days", days: 7 },
  { value: "30", label: "After 30 days", days: 30 },
  { value: "90", label: "After 90 days", days: 90 },
  { value: "365", label: "After a year", days: 365 },
] as const;

/**
 * Saves a key for `provider` after the provider has verified it. The key is read from the field only
 * when the form is submitted and is never held in React state; the field is emptied after every
 * attempt, failed or not, so a key never lingers in the page (the user pastes it again to retry).
 */
export function ApiKeyForm({
  provider,
  replacing,
  inputRef,
  onAttempt,
  onSaved,
  onSettled,
}: {
  provider: Provider;
  replacing: boolean;
  inputRef: RefObject<HTMLInputElement | null>;
  /** Called when the user submits, so older confirmations can be withdrawn. */
  onAttempt: () => void;
  onSaved: (status: ApiKeyStatus) => void;
  /** Called once the server has answered, saved or not (the attempt is in the activity either way). */
  onSettled?: () => void;
}) {
  const { label, company, console: keysConsole } = providerInfo[provider];
  const keyFieldId = `${provider}-api-key`;
  const expiryFieldId = `${provider}-key-expiry`;
  const [visible, setVisible] = useState(false);
  const [expiry, setExpiry] = useState<(typeof expiryChoices)[number]["value"]>("never");
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ErrorDescription>();

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const input = inputRef.current;
    if (!input || saving) return;
    onAttempt();
    const fail = (description: ErrorDescription) => {
      setError(description);
      if (description.field) input.focus();
    };
    const clearField = () => {
      input.value = "";
      setVisible(false);
    };
    const apiKey = input.value.trim();
    if (!apiKey) return fail({ field: "apiKey", message: `Paste your ${label} API key first.` });
    const formatError = keyFormatError(provider, apiKey);
    if (formatError) {
      clearField();
      return fail(formatError);
    }
    setSaving(true);
    setError(undefined);
    const expiresInDays = expiryChoices.find((choice) => choice.value === expiry)?.days;
    try {
      onSaved(await setApiKey(provider, apiKey, expiresInDays === undefined ? {} : { expiresInDays }));
    } catch (failure) {
      fail(describeError(failure, "saveKey"));
    } finally {
      clearField();
      setSaving(false);
      onSettled?.();
    }
  };

  const keyPrefix = currentKeyPrefix(provider);
  const fieldError = error?.field === "apiKey" && (
    <>
      {error.message}{" "}
      {error.action && <NextStepLink link={error.action} />}
    </>
  );
  return (
    <form className="stack" noValidate onSubmit={(event) => void submit(event)} aria-busy={saving}>
      <Field
        id={keyFieldId}
        label={replacing ? `Replace with a new ${label} key` : `${label} API key`}
        hint={`Create a key in ${keysConsole} (it starts with “${keyPrefix}”). It is checked with ${company}, then encrypted and stored, and can't be shown again after saving.`}
        error={fieldError}
      >
        <div className="input-with-button">
          <input
            {...describedBy(keyFieldId, { hint: true, error: fieldError })}
            ref={inputRef}
            type={visible ? "text" : "password"}
            placeholder={`${keyPrefix}…`}
            // Chrome ignores "off" on password fields and offers to save the key as a password.
            autoComplete="new-password"
            autoCapitalize="none"
            autoCorrect="off"
            // Browser spell-checkers may send text to a server once the key is shown.
            spellCheck={false}
            data-1p-ignore
            data-lpignore="true"
          />
          <button type="button" className="button button-secondary" onClick={() => setVisible(!visible)} aria-controls={keyFieldId}>
            {visible ? "Hide key" : "Show key"}
            <ProviderSuffix provider={provider} />
          </button>
        </div>
      </Field>
      <Field
        id={expiryFieldId}
        label={
          <>
            Delete this key automatically
            <ProviderSuffix provider={provider} />
          </>
        }
        hint="For a key you only need for a while: from then on Interview AI treats it as removed and deletes it."
      >
        <select
          {...describedBy(expiryFieldId, { hint: true })}
          value={expiry}
          onChange={(event) => setExpiry(event.target.value as typeof expiry)}
        >
          {expiryChoices.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
      </Field>
      <ErrorNotice error={error && !error.field ? error : undefined} />
      <div className="actions">
        <button type="submit" className="button button-primary" aria-disabled={saving || undefined}>
          {saving ? "Verifying…" : "Save and verify"}
          <ProviderSuffix provider={provider} />
        </button>
      </div>
    </form>
  );
}
