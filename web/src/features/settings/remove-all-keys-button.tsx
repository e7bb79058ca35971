import { removeAllApiKeys, type Provider } from "../../lib/callables";
import { ConfirmDialog } from "../../ui/confirm-dialog";

/** "Remove all keys": every provider's key at once (one transaction on the server), confirmed first. */
export function RemoveAllKeysButton({ onRemoved }: { onRemoved: (removedProviders: Provider[]) => void }) {
  return (
    <ConfirmDialog
      id="remove-all-keys"
      trigger="Remove all keys"
      title="Remove all your keys?"
      description="Interview AI will delete every key you saved, for every provider, from its key store and stop using them straight away. You can add keys again at any time."
      confirmLabel="Remove all keys"
      busyLabel="Removing…"
      errorContext="manageKey"
      onConfirm={removeAllApiKeys}
      onDone={onRemoved}
    />
  );
}
