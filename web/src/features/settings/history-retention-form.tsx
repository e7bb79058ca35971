import { useEffect, useRef, useState, type FormEvent } from "react";
import { historyRetention, type HistoryRetentionDays } from "../../lib/callables";
import { SaveOutcome } from "./save-outcome";
import { useSaveAction } from "./use-save-action";

const choices: Array<{ value: HistoryRetentionDays; label: string }> = [
  { value: 30, label: "30 days" },
  { value: 90, label: "90 days" },
  { value: 365, label: "1 year" },
  { value: null, label: "Without limit" },
];

const describe = (days: HistoryRetentionDays) =>
  days === null ? "Your practices are kept until you delete them." : `Each practice is deleted ${days} days after you last practised it.`;

/**
 * How long practice history is kept (the server sets each practice's expiry; Firestore's TTL deletes it).
 * Saved with a button, as the other radio groups in Settings are.
 */
export function HistoryRetentionForm() {
  const [saved, setSaved] = useState<HistoryRetentionDays>();
  const [choice, setChoice] = useState<HistoryRetentionDays>(365);
  const save = useSaveAction("history");
  const { fail, saving } = save;
  // A choice made before the saved one arrived is the user's: the arrival does not undo it.
  const chosen = useRef(false);

  useEffect(() => {
    historyRetention().then(
      (days) => {
        setSaved(days);
        if (!chosen.current) setChoice(days);
      },
      fail,
    );
  }, [fail]);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void save.run(async () => {
      const days = await historyRetention(choice);
      setSaved(days);
      return `Saved. ${describe(days)}`;
    });
  };

  return (
    <form className="stack" noValidate onSubmit={submit} aria-busy={saving || saved === undefined}>
      <fieldset className="choice-group">
        <legend>Keep my practice history for</legend>
        <div className="choices choices-fit">
          {choices.map(({ value, label }) => (
            <label key={String(value)} className="choice">
              <input type="radio" name="history-retention" checked={choice === value} onChange={() => {
                  chosen.current = true;
                  setChoice(value);
                }}
              />
              <span className="choice-label">{label}</span>
            </label>
          ))}
        </div>
      </fieldset>
      {saved !== undefined && <p className="field-hint">{describe(saved)}</p>}
      <SaveOutcome action={save}>
        <button type="submit" className="button button-secondary" aria-disabled={saving || saved === undefined || undefined}>
          {saving ? "Saving…" : "Save"}
        </button>
      </SaveOutcome>
    </form>
  );
}
