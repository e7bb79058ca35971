import { providerInfo } from "../../../../functions/src/providers";
import { removeApiKey, type Provider } from "../../lib/callables";
import { ConfirmDialog } from "../../ui/confirm-dialog";
import { ProviderSuffix } from "./provider-suffix";

/** "Remove key" of one provider, confirmed first. */
export function RemoveKeyButton({ provider, onRemoved }: { provider: Provider; onRemoved: () => void }) {
  const { label } = providerInfo[provider];
  return (
    <ConfirmDialog
      id={`${provider}-remove-key`}
      trigger={
        <>
          Remove key
          <ProviderSuffix provider={provider} />
        </>
      }
      title={`Remove your ${label} key?`}
      description="Interview AI will delete it from its key store and stop using it straight away. You can add a key again at any time."
      confirmLabel="Remove key"
      busyLabel="Removing…"
      errorContext="manageKey"
      onConfirm={() => removeApiKey(provider)}
      onDone={() => onRemoved()}
    />
  );
}
