import { useState } from "react";
import { ErrorNotice } from "../../ui/error-notice";
import { FocusHeading } from "../../ui/focus-heading";
import { Page } from "../../ui/page";
import { AnswersForm } from "./answers-form";
import { FeedbackView } from "./feedback-view";
import { GenerationProgress } from "./generation-progress";
import { SetupForm } from "./setup-form";
import { useInterview } from "./use-interview";
import { useKeyStatuses } from "./use-key-statuses";

/** Practice: set up an interview, answer its questions, read the feedback. */
export default function PracticePage({ visible, uid }: { visible: boolean; uid: string }) {
  const session = useInterview(uid);
  const { interview, feedback, running, error } = session;
  const keys = useKeyStatuses(visible);
  // Back from an interview, the setup heading takes the focus; on arrival the page heading has it.
  const [startedOver, setStartedOver] = useState(false);
  const startOver = () => {
    session.startOver();
    setStartedOver(true);
  };

  const status = (
    <>
      {running && <GenerationProgress running={running} onCancel={session.cancel} />}
      <ErrorNotice error={error} />
    </>
  );

  let step;
  if (interview && feedback) {
    step = (
      <FeedbackView
        jobTitle={interview.setup.jobTitle}
        feedback={feedback}
        answers={session.answers}
        onRevise={session.reviseAnswers}
        onStartOver={startOver}
      />
    );
  } else if (interview) {
    step = (
      <>
        <AnswersForm
          interview={interview}
          answers={session.answers}
          busy={Boolean(running)}
          onAnswer={session.answer}
          onSubmit={() => void session.requestFeedback()}
        />
        {status}
        <div className="actions">
          <button type="button" className="button button-quiet" onClick={startOver}>
            Start over with a new interview
          </button>
        </div>
      </>
    );
  } else {
    step = (
      <section className="card stack" aria-labelledby="setup-heading">
        <FocusHeading id="setup-heading" focusOnMount={startedOver}>
          New interview
        </FocusHeading>
        <SetupForm initial={session.setup} keys={keys} busy={Boolean(running)} onSubmit={(input) => void session.start(input)} />
        {status}
      </section>
    );
  }

  return (
    <Page title="Practice" visible={visible}>
      {step}
    </Page>
  );
}
