import { useRef, useState } from "react";
import { providerInfo } from "../../../../functions/src/providers";
import { removeApiKey, type Provider } from "../../lib/callables";
import { describeError, type ErrorDescription } from "../../lib/error-messages";
import { ErrorNotice } from "../../ui/error-notice";
import { ProviderSuffix } from "./provider-suffix";

/** "Remove key" of one provider, confirmed in a modal dialog (which keeps focus inside it and closes on Escape). */
export function RemoveKeyButton({ provider, onRemoved }: { provider: Provider; onRemoved: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [removing, setRemoving] = useState(false);
  const [error, setError] = useState<ErrorDescription>();
  const { label } = providerInfo[provider];

  const open = () => {
    setError(undefined);
    dialog.current?.showModal();
  };

  const remove = async () => {
    if (removing) return;
    setRemoving(true);
    setError(undefined);
    try {
      await removeApiKey(provider);
      dialog.current?.close();
      onRemoved();
    } catch (failure) {
      setError(describeError(failure, "manageKey"));
    } finally {
      setRemoving(false);
    }
  };

  return (
    <>
      <button type="button" className="button button-danger-quiet" onClick={open}>
        Remove key
        <ProviderSuffix provider={provider} />
      </button>
      <dialog
        ref={dialog}
        className="dialog"
        aria-labelledby={`${provider}-remove-key-title`}
        aria-describedby={`${provider}-remove-key-text`}
      >
        <h2 id={`${provider}-remove-key-title`}>Remove your {label} key?</h2>
        <p id={`${provider}-remove-key-text`}>
          Interview AI will delete it from its key store and stop using it straight away. You can add a key again at any time.
        </p>
        <ErrorNotice error={error} />
        <div className="actions actions-end">
          {/* First in the dialog, so it has the focus when the dialog opens: the safe choice. */}
          <button type="button" className="button button-secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="button" className="button button-danger" onClick={() => void remove()} aria-disabled={removing || undefined}>
            {removing ? "Removing…" : "Remove key"}
          </button>
        </div>
      </dialog>
    </>
  );
}
