import { questionsRequest, userWithKey, type AiCaller } from "./ai";
import { signUpNewUser } from "./firebase-client";
import { geminiStandIn } from "./hooks";

/** The AI callables, whose first call in a worker loads the AI stack. */
export type AiCallable = "generateQuestions" | "generateFeedback";

const warmUpRequest = (name: AiCallable, user: AiCaller) =>
  name === "generateQuestions"
    ? questionsRequest(user, { count: 1 })
    : { jobTitle: `Warm-up (${user.tag})`, items: [{ question: "Warm-up question", answer: "Warm-up answer." }] };

/**
 * Leaves at least `count` idle workers of each named callable in the functions emulator, each with the
 * AI stack loaded, and starts them one at a time.
 *
 * A worker of the emulator takes one request at a time, and a request finding none idle starts a new
 * one (see test/integration/ai-concurrency.test.ts). So the warm-up holds its calls at the Gemini
 * stand-in: while the first k calls are held, their workers are busy and call k + 1 must start a new
 * worker. Each call is started only once the previous one has reached the stand-in — its worker started
 * and loaded Genkit — so no two cold starts compete for the machine. Then all are released together.
 * Workers that are already warm are simply reused, which only makes this quicker.
 */
export async function warmEmulatorWorkers(callables: readonly AiCallable[], count: number): Promise<void> {
  for (const name of callables) {
    // A user per callable: its few calls stay well within the per-minute limit.
    const user = await userWithKey();
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    geminiStandIn().setBehaviour(user.apiKey, { outcome: "ok", heldUntil: held });
    const arrived = () => geminiStandIn().requests.filter((request) => request.apiKey === user.apiKey && request.method === "POST").length;

    const calls: Array<Promise<unknown>> = [];
    let failure: { error: unknown } | undefined;
    try {
      for (let started = 1; started <= count; started++) {
        calls.push(user.call(name, warmUpRequest(name, user)).catch((error: unknown) => (failure ??= { error })));
        // Wait (on the condition, bounded by the test's timeout) until this call is held at the stand-in.
        while (arrived() < started) {
          if (failure) throw failure.error;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    } finally {
      release();
    }
    await Promise.all(calls);
    if (failure) throw failure.error;
  }
}

/**
 * Starts a worker of each named callable, one after another, so that a page or test that then calls
 * several at once (Settings opens with five) does not make the emulator cold-start them all together
 * on a loaded machine. Each gets a harmless request from a fresh user; its answer does not matter (a
 * refusal also loads the worker), only that one came. A call the emulator could not start is tried again.
 */
export async function startEmulatorWorkers(names: readonly string[]): Promise<void> {
  const user = await signUpNewUser();
  for (const name of names) {
    for (let attempt = 1; ; attempt++) {
      const error = await user.call(name, {}).then(
        () => undefined,
        (failure: unknown) => failure as { code?: string },
      );
      // `internal` or a deadline: the emulator failed to load the worker in time. Any other answer came from our code.
      if (!error || !["functions/internal", "functions/deadline-exceeded"].includes(error.code ?? "") || attempt === 3) break;
    }
  }
}
