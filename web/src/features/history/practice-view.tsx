import type { Firestore } from "firebase/firestore/lite";
import { useEffect, useState } from "react";
import { describeError, type ErrorDescription } from "../../lib/error-messages";
import { navigate, paths } from "../../lib/router";
import { ConfirmDialog } from "../../ui/confirm-dialog";
import { ErrorNotice } from "../../ui/error-notice";
import { Link } from "../../ui/link";
import { Page } from "../../ui/page";
import { FeedbackView } from "../interview/feedback-view";
import { practiseAgain } from "../interview/in-progress";
import { formatDate, producedByLabel, typeLabel } from "./labels";
import { deletePractice, practiceById, type Practice } from "./history-store";

/**
 * One past practice: its questions, and each attempt's answers and feedback as Practice showed them
 * (the latest first open); "Practise these questions again" and "Delete".
 */
export function PracticeView({ db, uid, practiceId }: { db: Firestore; uid: string; practiceId: string }) {
  const [practice, setPractice] = useState<Practice | null>();
  const [error, setError] = useState<ErrorDescription>();
  const [attemptIndex, setAttemptIndex] = useState<number>();

  useEffect(() => {
    practiceById(db, uid, practiceId).then(
      (found) => setPractice(found ?? null),
      (failure: unknown) => setError(describeError(failure, "history")),
    );
  }, [db, uid, practiceId]);

  const back = (
    <p>
      <Link to={paths.history}>← All history</Link>
    </p>
  );
  if (error || practice === null) {
    return (
      <Page title="Practice not found">
        {back}
        {error ? <ErrorNotice error={error} /> : <p>This practice is not in your history: it was deleted or has expired.</p>}
      </Page>
    );
  }
  if (!practice) {
    return (
      <p className="loading" role="status">
        <span className="spinner" aria-hidden="true" /> Loading the practice…
      </p>
    );
  }

  const attempts = practice.attempts ?? [];
  const shown = attempts[attemptIndex ?? attempts.length - 1];
  const again = () => {
    practiseAgain(uid, {
      interview: {
        questions: practice.questions.map((question) => ({ ...question, category: question.category ?? "" })),
        keySource: practice.keySource,
        provider: practice.provider,
        model: practice.model,
        practiceId: practice.id,
        setup: {
          jobTitle: practice.jobTitle,
          interviewType: practice.interviewType ?? "mixed",
          ...(practice.seniority && { seniority: practice.seniority }),
          count: practice.questions.length,
        },
      },
      answers: {},
    });
    navigate(paths.practice);
  };
  const actions = (
    <div className="actions">
      <button type="button" className="button button-primary" onClick={again}>
        Practise these questions again
      </button>
      <ConfirmDialog
        id="delete-practice"
        trigger="Delete"
        title="Delete this practice?"
        description="Its questions, your answers and the feedback are deleted for good."
        confirmLabel="Delete practice"
        busyLabel="Deleting…"
        errorContext="history"
        onConfirm={() => deletePractice(db, uid, practice.id)}
        onDone={() => navigate(paths.history)}
      />
    </div>
  );

  return (
    <Page title={practice.jobTitle}>
      {back}
      <p className="history-meta">
        {formatDate(practice.createdAt.toDate())} · {typeLabel(practice.interviewType)}
        {practice.seniority && ` · ${practice.seniority}`} · questions by {producedByLabel(practice.provider, practice.model)}
      </p>
      {attempts.length > 1 && (
        <label className="field-inline">
          Attempt{" "}
          <select value={attemptIndex ?? attempts.length - 1} onChange={(event) => setAttemptIndex(Number(event.target.value))}>
            {attempts.map((attempt, index) => (
              <option key={index} value={index}>
                {index + 1} of {attempts.length}: {attempt.feedback.overallScore}/100, {formatDate(attempt.completedAt.toDate())}
              </option>
            ))}
          </select>
        </label>
      )}
      {shown ? (
        <FeedbackView
          jobTitle={`${practice.jobTitle} · ${formatDate(shown.completedAt.toDate())} · ${producedByLabel(shown.provider, shown.model)}`}
          feedback={{ ...shown.feedback, keySource: shown.keySource, provider: shown.provider, model: shown.model }}
          answers={Object.fromEntries(shown.answers.flatMap((item) => (item.questionId ? [[item.questionId, item.answer]] : [])))}
          actions={actions}
          takeFocus={false}
        />
      ) : (
        <div className="stack">
          <p className="tag">Not finished</p>
          <p>No feedback yet on this practice. Its questions:</p>
          <ol className="questions">
            {practice.questions.map((question) => (
              <li key={question.id} className="card question">
                <p className="question-text">{question.text}</p>
                {question.category && <span className="tag">{question.category}</span>}
              </li>
            ))}
          </ol>
          {actions}
        </div>
      )}
    </Page>
  );
}
