import { useCallback, useState } from "react";
import { describeError, type ErrorContext, type ErrorDescription } from "../../lib/error-messages";

/** Where a Settings form that saves with a button stands: saving, the last confirmation or the last typed error. */
export interface SaveAction {
  saving: boolean;
  error: ErrorDescription | undefined;
  confirmation: string;
  /**
   * Saves with `work`, unless a save is already under way: clears the last outcome, is `saving` until
   * `work` settles, then shows the confirmation `work` resolves to, or its failure in the form's words.
   */
  run: (work: () => Promise<string>) => Promise<void>;
  /** Shows a failure that came from elsewhere (such as loading what was saved), in the form's words. */
  fail: (failure: unknown) => void;
  /** Forgets the last outcome: for a problem the form shows itself, before any call. */
  clear: () => void;
}

/**
 * The submit/status shape the Settings forms share (history retention, preferred provider, daily limit, model).
 * `context` picks the words for a failure (lib/error-messages.ts).
 */
export function useSaveAction(context: ErrorContext): SaveAction {
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ErrorDescription>();
  const [confirmation, setConfirmation] = useState("");

  const clear = () => {
    setError(undefined);
    setConfirmation("");
  };

  const run = async (work: () => Promise<string>) => {
    if (saving) return;
    setSaving(true);
    clear();
    try {
      setConfirmation(await work());
    } catch (failure) {
      setError(describeError(failure, context));
    } finally {
      setSaving(false);
    }
  };

  // Stable, so that an effect may report a failed load through it.
  const fail = useCallback((failure: unknown) => setError(describeError(failure, context)), [context]);

  return { saving, error, confirmation, run, fail, clear };
}
