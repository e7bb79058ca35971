import { useState } from "react";
import { providerInfo, providers } from "../../../../functions/src/providers";
import { ErrorNotice } from "../../ui/error-notice";
import { Page } from "../../ui/page";
import { HistoryRetentionForm } from "./history-retention-form";
import { PreferredProviderForm } from "./preferred-provider-form";
import { ProviderKeyCard } from "./provider-key-card";
import { RemoveAllKeysButton } from "./remove-all-keys-button";
import { useKeyStatuses } from "./use-key-statuses";

/** "Gemini, OpenAI, Anthropic or OpenRouter" */
const providerList = providers.map((provider) => providerInfo[provider].label).join(", ").replace(/, ([^,]*)$/, " or $1");

/**
 * Settings: which key pays for practice, then one card per provider with its key — status, checking it
 * again, saving a new one, removing it, its daily limit, its recent activity — and removing every key at once.
 */
export default function SettingsPage() {
  const { statuses, setStatus, setPreferredProvider, loadError, reload } = useKeyStatuses();
  const [confirmation, setConfirmation] = useState("");
  // Bumped when every key was removed at once: each card starts afresh (its messages, its activity).
  const [removedAll, setRemovedAll] = useState(0);

  const keyCount = statuses ? providers.filter((provider) => statuses.byProvider[provider].hasKey).length : 0;

  return (
    <Page title="Settings">
      <p>
        Interview AI runs on your own API key for {providerList}. Each key is encrypted before it is stored and is never
        shown again, not even to you: you will only see its first and last characters.
      </p>
      {loadError && (
        <div>
          <ErrorNotice error={loadError} />
          <button type="button" className="button button-secondary" onClick={() => void reload()}>
            Try again
          </button>
        </div>
      )}
      <p className="confirmation" role="status">
        {confirmation}
      </p>
      {statuses && (keyCount > 1 || statuses.preferredProvider) && (
        <section className="card stack" aria-labelledby="preferred-heading">
          <h2 id="preferred-heading">Preferred provider</h2>
          <PreferredProviderForm
            key={removedAll}
            statuses={statuses.byProvider}
            preferredProvider={statuses.preferredProvider}
            onSaved={setPreferredProvider}
          />
        </section>
      )}
      {providers.map((provider, index) => (
        <ProviderKeyCard
          key={`${provider}-${removedAll}`}
          provider={provider}
          status={statuses?.byProvider[provider]}
          loading={!statuses && !loadError}
          onStatus={(status) => {
            setConfirmation("");
            setStatus(status);
          }}
          focusKeyFieldOnMount={removedAll > 0 && index === 0}
          startOpen={!!statuses && keyCount === 0 && index === 0}
        />
      ))}
      <section className="card stack" aria-labelledby="history-retention-heading">
        <h2 id="history-retention-heading">Practice history</h2>
        <HistoryRetentionForm />
      </section>
      {keyCount > 0 && (
        <section className="card stack" aria-labelledby="remove-all-heading">
          <h2 id="remove-all-heading">Remove all keys</h2>
          <p>Delete every key you saved here, for every provider, in one step.</p>
          <div className="actions">
            <RemoveAllKeysButton
              onRemoved={() => {
                for (const provider of providers) setStatus({ provider, hasKey: false });
                setRemovedAll((count) => count + 1);
                setConfirmation("All your keys were removed.");
              }}
            />
          </div>
        </section>
      )}
    </Page>
  );
}
