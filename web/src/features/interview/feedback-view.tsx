import type { ReactNode } from "react";
import type { GenerateFeedbackResult } from "../../lib/callables";
import { FocusHeading } from "../../ui/focus-heading";
import { AnsweredByNote } from "./answered-by-note";
import { KeySourceNote } from "./key-source-note";

/** Scores are 0–100 (functions/src/ai/schemas.ts); the band only picks a colour and a word. */
function band(score: number): { name: "strong" | "fair" | "weak"; label: string } {
  if (score >= 75) return { name: "strong", label: "Strong" };
  if (score >= 50) return { name: "fair", label: "Getting there" };
  return { name: "weak", label: "Needs work" };
}

export function Score({ score, large = false }: { score: number; large?: boolean }) {
  const { name, label } = band(score);
  return (
    <p className={`score score-${name}${large ? " score-large" : ""}`}>
      <span className="score-value">
        {score}
        <span className="score-scale" aria-hidden="true">
          /100
        </span>
        <span className="visually-hidden"> out of 100</span>
      </span>
      <span className="score-label">{label}</span>
    </p>
  );
}

/** The review: overall score and summary, then each answer's score, strengths and improvements. */
export function FeedbackView({
  jobTitle,
  feedback,
  answers,
  onRevise,
  onStartOver,
  actions,
  takeFocus = true,
}: {
  jobTitle: string;
  feedback: GenerateFeedbackResult;
  /** The user's answers by question id, to show beside their feedback (two identical questions stay apart). */
  answers: Readonly<Record<string, string>>;
  onRevise?: () => void;
  onStartOver?: () => void;
  /** In place of "Start over" and "Revise my answers" (History shows a past practice with its own actions). */
  actions?: ReactNode;
  /** Practice moves the focus to the feedback when it arrives; History shows it as part of its page. */
  takeFocus?: boolean;
}) {
  return (
    <div className="stack">
      <section className="card stack overall" aria-labelledby="feedback-heading">
        <div className="section-heading">
          {takeFocus ? <FocusHeading id="feedback-heading">Your feedback</FocusHeading> : <h2 id="feedback-heading">Feedback</h2>}
          <p>{jobTitle}</p>
        </div>
        <div className="overall-body">
          <Score score={feedback.overallScore} large />
          <p className="summary">{feedback.summary}</p>
        </div>
        <KeySourceNote keySource={feedback.keySource} provider={feedback.provider} />
        <AnsweredByNote provider={feedback.provider} answered={feedback} />
      </section>
      <ol className="questions">
        {feedback.items.map((item, index) => (
          <li key={item.questionId ?? index} className="card stack question">
            <div className="question-header">
              <h3 className="question-text">{item.question}</h3>
              <Score score={item.score} />
            </div>
            {item.questionId !== undefined && answers[item.questionId] && (
              <details className="your-answer">
                <summary>Your answer</summary>
                <p>{answers[item.questionId]}</p>
              </details>
            )}
            <div className="feedback-columns">
              <FeedbackList title="Strengths" items={item.strengths} kind="strengths" />
              <FeedbackList title="To improve" items={item.improvements} kind="improvements" />
            </div>
          </li>
        ))}
      </ol>
      {actions ?? (
        <div className="actions">
          <button type="button" className="button button-primary" onClick={onStartOver}>
            Start over
          </button>
          <button type="button" className="button button-secondary" onClick={onRevise}>
            Revise my answers
          </button>
        </div>
      )}
    </div>
  );
}

function FeedbackList({ title, items, kind }: { title: string; items: string[]; kind: "strengths" | "improvements" }) {
  return (
    <div className={`feedback-list feedback-${kind}`}>
      <h4>{title}</h4>
      {items.length ? (
        <ul>
          {items.map((text, index) => (
            <li key={index}>{text}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">Nothing to add here.</p>
      )}
    </div>
  );
}
