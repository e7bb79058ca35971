import { useState, type FormEvent } from "react";
import { FocusHeading } from "../../ui/focus-heading";
import { AnsweredByNote } from "./answered-by-note";
import { KeySourceNote } from "./key-source-note";
import { characterCount, limits } from "./limits";
import type { Interview } from "./use-interview";

/** One answer box per question, then "Get feedback". Unanswered questions are left out of the review. */
export function AnswersForm({
  interview,
  answers,
  busy,
  onAnswer,
  onSubmit,
}: {
  interview: Interview;
  answers: Record<string, string>;
  busy: boolean;
  onAnswer: (questionId: string, text: string) => void;
  onSubmit: () => void;
}) {
  const [emptyError, setEmptyError] = useState<string>();
  const { questions } = interview;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    if (!questions.some((question) => answers[question.id]?.trim())) {
      setEmptyError("Answer at least one question to get feedback.");
      document.getElementById(`answer-${questions[0]?.id}`)?.focus();
      return;
    }
    setEmptyError(undefined);
    onSubmit();
  };

  return (
    <form className="stack" noValidate onSubmit={submit}>
      <div className="section-heading">
        <FocusHeading>Your questions</FocusHeading>
        <p>
          {interview.setup.jobTitle} · answer as you would in the interview. Questions you leave blank are skipped.
        </p>
        <KeySourceNote keySource={interview.keySource} provider={interview.provider} />
        <AnsweredByNote provider={interview.provider} answered={interview} />
      </div>
      <ol className="questions">
        {questions.map((question, index) => {
          const id = `answer-${question.id}`;
          const answer = answers[question.id] ?? "";
          const error = index === 0 ? emptyError : undefined;
          return (
            <li key={question.id} className="card question">
              <p className="question-meta">
                Question {index + 1} of {questions.length}
                {question.category && <span className="tag">{question.category}</span>}
              </p>
              <label htmlFor={id} className="question-text">
                {question.text}
              </label>
              {question.rationale && (
                <details className="rationale">
                  <summary>Why interviewers ask this</summary>
                  <p>{question.rationale}</p>
                </details>
              )}
              <textarea
                id={id}
                value={answer}
                onChange={(event) => onAnswer(question.id, event.target.value)}
                maxLength={limits.answer}
                rows={6}
                aria-invalid={error ? true : undefined}
                aria-describedby={`${id}-count${error ? ` ${id}-error` : ""}`}
              />
              <p id={`${id}-count`} className="field-hint counter">
                {characterCount(answer.length, limits.answer)}
              </p>
              {index === 0 && (
                <p id={`${id}-error`} className="field-error" aria-live="polite">
                  {error}
                </p>
              )}
            </li>
          );
        })}
      </ol>
      <div className="actions">
        <button type="submit" className="button button-primary" aria-disabled={busy || undefined}>
          Get feedback
        </button>
      </div>
    </form>
  );
}
