import { useState, type FormEvent, type RefObject } from "react";
import { setApiKey, type ApiKeyStatus } from "../../lib/callables";
import { describeError, keyFormatError, type ErrorDescription } from "../../lib/error-messages";
import { ErrorNotice, NextStepLink } from "../../ui/error-notice";
import { describedBy, Field } from "../../ui/field";
// The server's own key registry (a pure module): checking here too means a wrong paste, which might
// be some other secret, never leaves the browser.
import { isWellFormedKey, keyShapesByProvider } from "../../../../functions/src/providers";

/** How the keys AI Studio issues today start ("AQ."), from the registry, so a new prefix is one change there. */
const currentKeyPrefix = keyShapesByProvider.googleai.shapes.find((shape) => !shape.retired)?.prefixes[0] ?? "";

/**
 * Saves a key after Google has verified it. The key is read from the field only when the form is
 * submitted and is never held in React state; the field is emptied after every attempt, failed or
 * not, so a key never lingers in the page (the user pastes it again to retry).
 */
export function ApiKeyForm({
  replacing,
  inputRef,
  onAttempt,
  onSaved,
}: {
  replacing: boolean;
  inputRef: RefObject<HTMLInputElement | null>;
  /** Called when the user submits, so older confirmations can be withdrawn. */
  onAttempt: () => void;
  onSaved: (status: ApiKeyStatus) => void;
}) {
  const [visible, setVisible] = useState(false);
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
    if (!apiKey) return fail({ field: "apiKey", message: "Paste your Gemini API key first." });
    if (!isWellFormedKey("googleai", apiKey)) {
      clearField();
      return fail(keyFormatError);
    }
    setSaving(true);
    setError(undefined);
    try {
      onSaved(await setApiKey(apiKey));
    } catch (failure) {
      fail(describeError(failure, "saveKey"));
    } finally {
      clearField();
      setSaving(false);
    }
  };

  const fieldError = error?.field === "apiKey" && (
    <>
      {error.message}{" "}
      {error.action && <NextStepLink link={error.action} />}
    </>
  );
  return (
    <form className="stack" noValidate onSubmit={(event) => void submit(event)} aria-busy={saving}>
      <Field
        id="api-key"
        label={replacing ? "Replace with a new key" : "Gemini API key"}
        hint={`Create a key in Google AI Studio (it starts with “${currentKeyPrefix}”). It is checked with Google, then encrypted and stored, and can't be shown again after saving.`}
        error={fieldError}
      >
        <div className="input-with-button">
          <input
            {...describedBy("api-key", { hint: true, error: fieldError })}
            ref={inputRef}
            type={visible ? "text" : "password"}
            placeholder={`${currentKeyPrefix}…`}
            // Chrome ignores "off" on password fields and offers to save the key as a password.
            autoComplete="new-password"
            autoCapitalize="none"
            autoCorrect="off"
            // Browser spell-checkers may send text to a server once the key is shown.
            spellCheck={false}
            data-1p-ignore
            data-lpignore="true"
          />
          <button type="button" className="button button-secondary" onClick={() => setVisible(!visible)} aria-controls="api-key">
            {visible ? "Hide key" : "Show key"}
          </button>
        </div>
      </Field>
      <ErrorNotice error={error && !error.field ? error : undefined} />
      <div className="actions">
        <button type="submit" className="button button-primary" aria-disabled={saving || undefined}>
          {saving ? "Verifying…" : "Save and verify"}
        </button>
      </div>
    </form>
  );
}
