import { useEffect, useRef, useState } from "react";
import {
  generateFeedback,
  generateQuestions,
  type GenerateFeedbackResult,
  type GenerateQuestionsRequest,
  type GenerateQuestionsResult,
  type Progress,
} from "../../lib/callables";
import { describeError, type ErrorDescription } from "../../lib/error-messages";
import { loadInProgress, onPractiseAgain, saveInProgress } from "./in-progress";
import { limits } from "./limits";

/** An interview's questions together with the setup that produced them (feedback needs the job title). */
export interface Interview extends GenerateQuestionsResult {
  setup: GenerateQuestionsRequest;
}

/** A generation under way: what it is for and the progress notes the server has streamed so far. */
export interface Running {
  task: "questions" | "feedback";
  progress: Progress[];
}

/** Progress notes of one step replace each other; a new step is added below the earlier ones. */
function withProgress(progress: Progress[], note: Progress): Progress[] {
  return progress.at(-1)?.step === note.step ? [...progress.slice(0, -1), note] : [...progress, note];
}

/**
 * One practice session: setup → questions → answers → feedback. The server keeps each practice in the
 * user's history (its `practiceId`); until the answers are sent they are kept in this tab (in-progress.ts),
 * so a reload resumes the practice. Starting over keeps the setup so the user can adjust it.
 */
export function useInterview(uid: string) {
  const [resumed] = useState(() => loadInProgress(uid));
  const [setup, setSetup] = useState<GenerateQuestionsRequest>(
    resumed?.interview.setup ?? { jobTitle: "", interviewType: "mixed", count: limits.questionCount.default },
  );
  const [interview, setInterview] = useState<Interview | undefined>(resumed?.interview);
  const [answers, setAnswers] = useState<Record<string, string>>(resumed?.answers ?? {});
  const [feedback, setFeedback] = useState<GenerateFeedbackResult>();
  const [running, setRunning] = useState<Running>();
  const [error, setError] = useState<ErrorDescription>();
  const inFlight = useRef<AbortController>(undefined);

  // Kept until sent: while there are questions and no feedback on them; gone with feedback or a new start.
  useEffect(() => saveInProgress(uid, interview && !feedback ? { interview, answers } : undefined), [uid, interview, answers, feedback]);
  useEffect(
    () =>
      onPractiseAgain((state) => {
        inFlight.current?.abort();
        setSetup(state.interview.setup);
        setInterview(state.interview);
        setAnswers(state.answers);
        setFeedback(undefined);
        setError(undefined);
      }),
    [],
  );

  async function track<Result>(
    task: Running["task"],
    work: (onProgress: (note: Progress) => void, signal: AbortSignal) => Promise<Result>,
  ): Promise<Result | undefined> {
    const controller = new AbortController();
    inFlight.current = controller;
    setError(undefined);
    setRunning({ task, progress: [] });
    try {
      return await work(
        (note) => setRunning((current) => current && { ...current, progress: withProgress(current.progress, note) }),
        controller.signal,
      );
    } catch (failure) {
      // After a cancel the SDK may report the cut connection as any error; the user asked for it.
      if (!controller.signal.aborted) setError(describeError(failure, "ai"));
      return undefined;
    } finally {
      if (inFlight.current === controller) inFlight.current = undefined;
      setRunning(undefined);
    }
  }

  const start = async (input: GenerateQuestionsRequest) => {
    setSetup(input);
    const result = await track("questions", (onProgress, signal) => generateQuestions(input, onProgress, signal));
    if (result) {
      setInterview({ ...result, setup: input });
      setAnswers({});
    }
  };

  const requestFeedback = async () => {
    if (!interview) return;
    const items = interview.questions
      .map((question) => ({ questionId: question.id, question: question.text, answer: (answers[question.id] ?? "").trim() }))
      .filter((item) => item.answer);
    const result = await track("feedback", (onProgress, signal) =>
      generateFeedback(
        {
          jobTitle: interview.setup.jobTitle,
          items,
          // Each round of answers is an attempt of the practice in the user's history.
          ...(interview.practiceId && { practiceId: interview.practiceId }),
          // The feedback runs on the key that wrote the questions (the shared key is the server's choice).
          ...(interview.keySource === "user" && { provider: interview.provider }),
        },
        onProgress,
        signal,
      ),
    );
    if (result) {
      setFeedback(result);
      // A practice begun by this feedback (its questions were not saved) is the one revisions add to.
      if (result.practiceId && result.practiceId !== interview.practiceId) setInterview({ ...interview, practiceId: result.practiceId });
    }
  };

  return {
    setup,
    interview,
    answers,
    feedback,
    running,
    error,
    start,
    requestFeedback,
    answer: (questionId: string, text: string) => setAnswers((current) => ({ ...current, [questionId]: text })),
    cancel: () => inFlight.current?.abort(),
    /** Back to the answers, to improve them and ask again. */
    reviseAnswers: () => setFeedback(undefined),
    startOver: () => {
      inFlight.current?.abort();
      setInterview(undefined);
      setAnswers({});
      setFeedback(undefined);
      setError(undefined);
    },
  };
}
