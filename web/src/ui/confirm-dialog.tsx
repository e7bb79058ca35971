import { useRef, useState, type ReactNode } from "react";
import { describeError, type ErrorContext, type ErrorDescription } from "../lib/error-messages";
import { ErrorNotice } from "./error-notice";

/**
 * A button that asks before it does something that cannot be undone: a modal dialog (which keeps focus
 * inside it and closes on Escape) with Cancel first, so the safe choice has the focus when it opens. A
 * failure is shown inside the dialog, which stays open so the user can try again or cancel.
 */
export function ConfirmDialog<Result>({
  id,
  trigger,
  title,
  description,
  confirmLabel,
  busyLabel,
  errorContext,
  onConfirm,
  onDone,
}: {
  /** Unique on the page: names the dialog's title and text for assistive technology. */
  id: string;
  /** The button's content that opens the dialog. */
  trigger: ReactNode;
  title: string;
  description: string;
  confirmLabel: string;
  busyLabel: string;
  errorContext: ErrorContext;
  /** The action; a failure it throws is described in the dialog. */
  onConfirm: () => Promise<Result>;
  /** With the action's result, once it succeeded and the dialog closed (this may unmount the dialog). */
  onDone: (result: Result) => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorDescription>();

  const open = () => {
    setError(undefined);
    dialog.current?.showModal();
  };

  const confirm = async () => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const result = await onConfirm();
      dialog.current?.close();
      onDone(result);
    } catch (failure) {
      setError(describeError(failure, errorContext));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button type="button" className="button button-danger-quiet" onClick={open}>
        {trigger}
      </button>
      <dialog ref={dialog} className="dialog" aria-labelledby={`${id}-title`} aria-describedby={`${id}-text`}>
        <h2 id={`${id}-title`}>{title}</h2>
        <p id={`${id}-text`}>{description}</p>
        <ErrorNotice error={error} />
        <div className="actions actions-end">
          <button type="button" className="button button-secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="button" className="button button-danger" onClick={() => void confirm()} aria-disabled={busy || undefined}>
            {busy ? busyLabel : confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}
