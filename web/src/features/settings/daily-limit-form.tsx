import { useState, type FormEvent } from "react";
import { providerInfo } from "../../../../functions/src/providers";
import { setDailyLimit, type ApiKeyStatus } from "../../lib/callables";
import { describedBy, Field } from "../../ui/field";
import { ProviderSuffix } from "./provider-suffix";
import { SaveOutcome } from "./save-outcome";
import { useSaveAction } from "./use-save-action";
// The server's own range (a pure module), so the browser refuses what the server would.
import { dailyLimitRange } from "../../../../functions/src/keys/daily-limit-range";

/**
 * The user's own daily limit on AI requests made with their key of `status.provider`: set, change or
 * remove it. Requests beyond it are refused by the server before the provider is asked, until midnight UTC.
 */
export function DailyLimitForm({ status, onSaved }: { status: ApiKeyStatus; onSaved: (status: ApiKeyStatus) => void }) {
  const { provider } = status;
  const fieldId = `${provider}-daily-limit`;
  const [draft, setDraft] = useState(status.dailyLimit === undefined ? "" : String(status.dailyLimit));
  const action = useSaveAction("manageKey");
  const { saving } = action;
  const [fieldError, setFieldError] = useState<string>();

  const save = (dailyLimit: number | null) =>
    action.run(async () => {
      setFieldError(undefined);
      const saved = await setDailyLimit(provider, dailyLimit);
      onSaved(saved);
      setDraft(saved.dailyLimit === undefined ? "" : String(saved.dailyLimit));
      return saved.dailyLimit === undefined ? "Daily limit removed." : `Daily limit set to ${saved.dailyLimit} request${saved.dailyLimit === 1 ? "" : "s"} a day.`;
    });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!draft.trim()) {
      void save(null);
      return;
    }
    const figure = Number(draft.trim());
    if (!Number.isInteger(figure) || figure < dailyLimitRange.min || figure > dailyLimitRange.max) {
      action.clear();
      setFieldError(`Enter a whole number from ${dailyLimitRange.min} to ${dailyLimitRange.max}, or remove the limit.`);
      return;
    }
    void save(figure);
  };

  return (
    <form className="stack" noValidate onSubmit={submit} aria-busy={saving}>
      <Field
        id={fieldId}
        label={
          <>
            Daily limit on AI requests with your key
            <ProviderSuffix provider={provider} />
          </>
        }
        hint={`Interview AI stops sending requests with your key after this many a day (the day ends at midnight UTC), before ${providerInfo[provider].label} is asked. Leave it empty for no limit.`}
        error={fieldError}
      >
        <div className="input-with-button">
          <input
            {...describedBy(fieldId, { hint: true, error: fieldError })}
            type="number"
            inputMode="numeric"
            min={dailyLimitRange.min}
            max={dailyLimitRange.max}
            step={1}
            placeholder="No limit"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
          />
          <button type="submit" className="button button-secondary" aria-disabled={saving || undefined}>
            Save limit
            <ProviderSuffix provider={provider} />
          </button>
        </div>
      </Field>
      <SaveOutcome action={action}>
        {status.dailyLimit !== undefined && (
          <button type="button" className="button button-quiet" onClick={() => void save(null)} aria-disabled={saving || undefined}>
            Remove limit
            <ProviderSuffix provider={provider} />
          </button>
        )}
      </SaveOutcome>
    </form>
  );
}
