import { useState, type FormEvent } from "react";
import { providerInfo, providers } from "../../../../functions/src/providers";
import { setPreferredProvider, type ApiKeyStatus, type Provider } from "../../lib/callables";
import { SaveOutcome } from "./save-outcome";
import { useSaveAction } from "./use-save-action";

const automatic = "automatic";
type Choice = Provider | typeof automatic;

/** "Gemini, then OpenAI, then Anthropic": the order in which the server tries keys when none is preferred. */
const registryOrder = providers.map((provider) => providerInfo[provider].label).join(", then ");

function confirmationFor(preferred: Provider | null): string {
  return preferred
    ? `Practice now uses your ${providerInfo[preferred].label} key.`
    : "Practice now uses the first of your keys that works.";
}

/**
 * Which key pays for practice: one provider's, or automatically the first that works (the registry's
 * order). Offers the providers that have a key, and the preferred one even if its key is gone, so the
 * choice can always be seen and changed. Saved with a button: arrow keys move through a radio group,
 * and each step must not become a call.
 */
export function PreferredProviderForm({
  statuses,
  preferredProvider,
  onSaved,
}: {
  statuses: Record<Provider, ApiKeyStatus>;
  preferredProvider: Provider | null;
  onSaved: (preferredProvider: Provider | null) => void;
}) {
  const [choice, setChoice] = useState<Choice>(preferredProvider ?? automatic);
  const save = useSaveAction("manageKey");
  const offered = providers.filter((provider) => statuses[provider].hasKey || provider === preferredProvider);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void save.run(async () => {
      const saved = await setPreferredProvider(choice === automatic ? null : choice);
      onSaved(saved);
      setChoice(saved ?? automatic);
      return confirmationFor(saved);
    });
  };

  return (
    <form className="stack" noValidate onSubmit={submit} aria-busy={save.saving}>
      <fieldset className="choice-group">
        <legend>Which key pays for practice</legend>
        <div className="choices choices-fit">
          <Option
            value={automatic}
            checked={choice === automatic}
            onChange={setChoice}
            label="Automatic: first available"
            description={`${registryOrder}: the first of your keys that works.`}
          />
          {offered.map((provider) => (
            <Option
              key={provider}
              value={provider}
              checked={choice === provider}
              onChange={setChoice}
              label={providerInfo[provider].label}
              description={statuses[provider].hasKey ? `Your key ${statuses[provider].hint ?? ""}` : "No key saved: add one below."}
            />
          ))}
        </div>
      </fieldset>
      <SaveOutcome action={save}>
        <button type="submit" className="button button-secondary" aria-disabled={save.saving || undefined}>
          {save.saving ? "Saving…" : "Save choice"}
        </button>
      </SaveOutcome>
    </form>
  );
}

function Option({
  value,
  checked,
  onChange,
  label,
  description,
}: {
  value: Choice;
  checked: boolean;
  onChange: (value: Choice) => void;
  label: string;
  description: string;
}) {
  const id = `preferred-provider-${value}`;
  // Named by its label alone and described by the rest, so "OpenAI" is not also in Automatic's name.
  return (
    <label className="choice">
      <input
        type="radio"
        name="preferred-provider"
        value={value}
        checked={checked}
        onChange={() => onChange(value)}
        aria-labelledby={`${id}-label`}
        aria-describedby={`${id}-description`}
      />
      <span>
        <span id={`${id}-label`} className="choice-label">
          {label}
        </span>
        <span id={`${id}-description`} className="choice-description">
          {description}
        </span>
      </span>
    </label>
  );
}
