import type { Running } from "./use-interview";

const titles: Record<Running["task"], string> = {
  questions: "Writing your questions…",
  feedback: "Reviewing your answers…",
};

/** What the server reports while Gemini works, announced politely, with a way to stop waiting. */
export function GenerationProgress({ running, onCancel }: { running: Running; onCancel: () => void }) {
  const current = running.progress.at(-1);
  return (
    <div className="progress card-inset">
      <div role="status" aria-live="polite">
        <p className="progress-title">
          <span className="spinner" aria-hidden="true" /> {titles[running.task]}
        </p>
        <ol className="progress-steps">
          {running.progress.map((note, index) => (
            <li key={index} className={note === current ? "progress-step-current" : "progress-step-done"}>
              {note.message}
            </li>
          ))}
        </ol>
      </div>
      <button type="button" className="button button-quiet" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
