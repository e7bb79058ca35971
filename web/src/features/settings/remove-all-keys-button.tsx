import { useRef, useState } from "react";
import { removeAllApiKeys, type Provider } from "../../lib/callables";
import { describeError, type ErrorDescription } from "../../lib/error-messages";
import { ErrorNotice } from "../../ui/error-notice";

/**
 * "Remove all keys": every provider's key at once (one transaction on the server), confirmed in a modal
 * dialog like a single key's removal.
 */
export function RemoveAllKeysButton({ onRemoved }: { onRemoved: (removedProviders: Provider[]) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [removing, setRemoving] = useState(false);
  const [error, setError] = useState<ErrorDescription>();

  const open = () => {
    setError(undefined);
    dialog.current?.showModal();
  };

  const remove = async () => {
    if (removing) return;
    setRemoving(true);
    setError(undefined);
    try {
      const removed = await removeAllApiKeys();
      dialog.current?.close();
      onRemoved(removed);
    } catch (failure) {
      setError(describeError(failure, "manageKey"));
    } finally {
      setRemoving(false);
    }
  };

  return (
    <>
      <button type="button" className="button button-danger-quiet" onClick={open}>
        Remove all keys
      </button>
      <dialog ref={dialog} className="dialog" aria-labelledby="remove-all-keys-title" aria-describedby="remove-all-keys-text">
        <h2 id="remove-all-keys-title">Remove all your keys?</h2>
        <p id="remove-all-keys-text">
          Interview AI will delete every key you saved, for every provider, from its key store and stop using them straight
          away. You can add keys again at any time.
        </p>
        <ErrorNotice error={error} />
        <div className="actions actions-end">
          {/* First in the dialog, so it has the focus when the dialog opens: the safe choice. */}
          <button type="button" className="button button-secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="button" className="button button-danger" onClick={() => void remove()} aria-disabled={removing || undefined}>
            {removing ? "Removing…" : "Remove all keys"}
          </button>
        </div>
      </dialog>
    </>
  );
}
