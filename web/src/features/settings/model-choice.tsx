import { useEffect, useState, type FormEvent } from "react";
import { providerInfo } from "../../../../functions/src/providers";
import { apiKeyModels, setModel, type ApiKeyModels, type ApiKeyStatus } from "../../lib/callables";
import { describeError, type ErrorDescription } from "../../lib/error-messages";
import { describedBy, Field } from "../../ui/field";
import { ProviderSuffix } from "./provider-suffix";
import { SaveOutcome } from "./save-outcome";
import { useSaveAction } from "./use-save-action";

/** The select's value for "Automatic": no choice of the user's, the operator's default. */
const automatic = "";

/**
 * The model the user's key of `status.provider` runs on: "Automatic (default: …)" or one of the models the
 * key can use here (the server lists them, recommended first, with their notes). Saving checks the model
 * with the provider first; a model the key cannot use is refused and nothing changes.
 */
export function ModelChoice({ status, onSaved }: { status: ApiKeyStatus; onSaved: (status: ApiKeyStatus) => void }) {
  const { provider } = status;
  const fieldId = `${provider}-model`;
  const [draft, setDraft] = useState(status.model ?? automatic);
  // A replaced key is a new record, with its own list and no choice yet: what was loaded is for one record.
  const keyVersion = `${provider}/${status.createdAt ?? ""}`;
  const [loaded, setLoaded] = useState<{ keyVersion: string; models?: ApiKeyModels; error?: ErrorDescription }>();
  const action = useSaveAction("manageKey");
  const { saving } = action;
  const current = loaded?.keyVersion === keyVersion ? loaded : undefined;
  const list = current?.models;
  const loadError = current?.error;

  useEffect(() => {
    let active = true;
    apiKeyModels(provider).then(
      (models) => {
        if (!active) return;
        setLoaded({ keyVersion, models });
        setDraft(models.selected ?? automatic);
      },
      (failure: unknown) => {
        if (active) setLoaded({ keyVersion, error: describeError(failure, "manageKey") });
      },
    );
    return () => {
      active = false;
    };
  }, [provider, keyVersion]);

  const defaultModel = list?.default ?? status.defaultModel;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(async () => {
      const saved = await setModel(provider, draft === automatic ? null : draft);
      onSaved(saved);
      return saved.model ? `Your ${providerInfo[provider].label} key now runs on ${saved.model}.` : `Automatic: your key runs on ${saved.defaultModel ?? "the default model"}.`;
    });
  };

  return (
    <form className="stack" noValidate onSubmit={submit} aria-busy={saving || !list}>
      <Field
        id={fieldId}
        label={
          <>
            Model
            <ProviderSuffix provider={provider} />
          </>
        }
        hint="The models your key can use for Interview AI. Your key pays for each request, at the model's price."
      >
        <div className="input-with-button">
          <select {...describedBy(fieldId, { hint: true })} value={draft} onChange={(event) => setDraft(event.target.value)} disabled={!list}>
            <option value={automatic}>Automatic (default: {defaultModel ?? "…"})</option>
            {list?.models.map((model) => (
              <option key={model.id} value={model.id}>
                {model.label === model.id ? model.id : `${model.label} (${model.id})`}
                {model.note ? ` — ${model.note}` : ""}
              </option>
            ))}
            {/* A choice the current list no longer holds stays visible until the user picks another. */}
            {list && draft !== automatic && !list.models.some((model) => model.id === draft) && <option value={draft}>{draft}</option>}
          </select>
          <button type="submit" className="button button-secondary" aria-disabled={saving || !list || undefined}>
            Save model
            <ProviderSuffix provider={provider} />
          </button>
        </div>
      </Field>
      {!list && !loadError && (
        <p className="loading" role="status">
          <span className="spinner" aria-hidden="true" /> Reading your key's models…
        </p>
      )}
      {/* A list that could not be read is shown where a failed save would be, and before it. */}
      <SaveOutcome action={loadError ? { ...action, error: loadError } : action} />
    </form>
  );
}
