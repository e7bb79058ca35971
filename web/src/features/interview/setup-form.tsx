import { useState, type FormEvent } from "react";
import type { ApiKeyStatuses, GenerateQuestionsRequest, InterviewType, Provider, Seniority } from "../../lib/callables";
import { describedBy, Field } from "../../ui/field";
import { characterCount, limits } from "./limits";
import { PayerChoice } from "./payer-choice";
import { defaultPayer, providersWithKey, type Payer } from "./who-pays";

const interviewTypes: { value: InterviewType; label: string; description: string }[] = [
  { value: "behavioral", label: "Behavioral", description: "Past situations: teamwork, conflict, ownership." },
  { value: "technical", label: "Technical", description: "The skills and problem solving the role needs." },
  { value: "mixed", label: "Mixed", description: "Some of each, like most real interviews." },
];

const seniorities: { value: Seniority | ""; label: string }[] = [
  { value: "", label: "Any level" },
  { value: "junior", label: "Junior" },
  { value: "mid", label: "Mid-level" },
  { value: "senior", label: "Senior" },
];

/** The interview to practise: the role, what kind of questions, how many, and whose key pays. */
export function SetupForm({
  initial,
  keys,
  busy,
  onSubmit,
}: {
  initial: GenerateQuestionsRequest;
  /** The user's keys; undefined while they are read, null if they could not be: then the server alone decides who pays. */
  keys: ApiKeyStatuses | null | undefined;
  busy: boolean;
  onSubmit: (input: GenerateQuestionsRequest) => void;
}) {
  const [jobTitle, setJobTitle] = useState(initial.jobTitle);
  const [jobDescription, setJobDescription] = useState(initial.jobDescription ?? "");
  const [interviewType, setInterviewType] = useState(initial.interviewType);
  const [seniority, setSeniority] = useState<Seniority | "">(initial.seniority ?? "");
  const [count, setCount] = useState(initial.count ?? limits.questionCount.default);
  const [titleError, setTitleError] = useState<string>();
  // The provider picked for this practice; until then (or once its key is gone) the default one pays. Not
  // carried over from the last round: a choice made in Settings since then must count.
  const [chosenProvider, setChosenProvider] = useState<Provider>();
  let payer: Payer | undefined;
  if (keys) {
    payer =
      chosenProvider && providersWithKey(keys).includes(chosenProvider)
        ? { keySource: "user", provider: chosenProvider }
        : defaultPayer(keys);
  }

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const title = jobTitle.trim();
    if (!title) {
      setTitleError("Enter the job title you are interviewing for.");
      document.getElementById("job-title")?.focus();
      return;
    }
    setTitleError(undefined);
    const description = jobDescription.trim();
    onSubmit({
      jobTitle: title,
      interviewType,
      count,
      ...(description && { jobDescription: description }),
      ...(seniority && { seniority }),
      // Named, so that the key the page said would pay is the one that does.
      ...(payer?.keySource === "user" && { provider: payer.provider }),
    });
  };

  return (
    <form className="stack" noValidate onSubmit={submit}>
      <Field id="job-title" label="Job title" error={titleError}>
        <input
          {...describedBy("job-title", { error: titleError })}
          value={jobTitle}
          onChange={(event) => setJobTitle(event.target.value)}
          maxLength={limits.jobTitle}
          autoComplete="organization-title"
          placeholder="e.g. Frontend engineer"
          required
        />
      </Field>
      <Field
        id="job-description"
        label={
          <>
            Job description <span className="optional">(optional)</span>
          </>
        }
        hint="Paste the job posting for questions that fit it."
      >
        <textarea
          id="job-description"
          aria-describedby="job-description-hint job-description-count"
          value={jobDescription}
          onChange={(event) => setJobDescription(event.target.value)}
          maxLength={limits.jobDescription}
          rows={5}
        />
        <p id="job-description-count" className="field-hint counter">
          {characterCount(jobDescription.length, limits.jobDescription)}
        </p>
      </Field>
      <fieldset className="choice-group">
        <legend>Type of interview</legend>
        <div className="choices">
          {interviewTypes.map((type) => (
            <label key={type.value} className="choice">
              <input
                type="radio"
                name="interview-type"
                value={type.value}
                checked={interviewType === type.value}
                onChange={() => setInterviewType(type.value)}
              />
              <span>
                <span className="choice-label">{type.label}</span>
                <span className="choice-description">{type.description}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="field-row">
        <Field id="seniority" label="Seniority">
          <select id="seniority" value={seniority} onChange={(event) => setSeniority(event.target.value as Seniority | "")}>
            {seniorities.map((level) => (
              <option key={level.value} value={level.value}>
                {level.label}
              </option>
            ))}
          </select>
        </Field>
        <Field id="question-count" label="Number of questions">
          <select id="question-count" value={count} onChange={(event) => setCount(Number(event.target.value))}>
            {Array.from({ length: limits.questionCount.max }, (_, index) => index + 1).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {keys && payer ? (
        <PayerChoice keys={keys} payer={payer} onChoose={setChosenProvider} />
      ) : (
        // Holds the line's place until the keys are known, so the button below does not move under a click.
        <p id="payer" className="key-source">
          {keys === undefined ? "Checking which key will pay…" : "Which key will pay could not be checked; the server picks it as usual."}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button button-primary" aria-disabled={busy || undefined}>
          Generate questions
        </button>
      </div>
    </form>
  );
}
