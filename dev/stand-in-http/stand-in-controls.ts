/**
 * The controls every provider stand-in offers a test (what it received, how a key or a model answers,
 * spoiled answers, reset, stop), written once: each stand-in's interface extends `StandInControls` and
 * documents only what differs (which endpoint a script applies to, which status a busy model answers).
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import { answerFaultFromKey, injectAnswerFault, type AnswerFault } from "./answer-faults";
import type { ModelBehaviour, ModelBehaviours } from "./model-behaviour";
import { delayAndHold, noticeAbandoned, parseJson, readBody, type RecordedHttpRequest, type RequestLog, type StandInServer } from "./stand-in-http";

export interface StandInControls<Recorded, Behaviour, Outcome, Corruption> {
  /** Base URL without a trailing slash, e.g. "http://127.0.0.1:41234"; use as the provider's API base URL. */
  readonly url: string;
  /** Every request received since start or the last `clearRequests` / `reset`, oldest first (a copy). */
  readonly requests: readonly Recorded[];
  clearRequests(): void;
  /** Makes every request with `apiKey` behave as given, whatever markers the key contains. */
  setBehaviour(apiKey: string, behaviour: Behaviour): void;
  /**
   * The next generation requests with `apiKey` get these outcomes, one each, in order; after them the key
   * behaves as before. For sequences one key cannot otherwise produce, e.g. busy, busy, then an answer.
   */
  scriptOutcomes(apiKey: string, outcomes: readonly Outcome[]): void;
  /**
   * Spoils the next `count` successful generation answers: only those for `apiKey` when it is given (so a late
   * answer to another test's request cannot use them up), else whichever keys they are for. Answers that are
   * errors or refusals do not use up the count.
   */
  corruptNextAnswers(count: number, kind: Corruption, apiKey?: string): void;
  /**
   * Makes every generation for `model` answer as a busy model or a retired one (the provider's own answers:
   * dev/stand-in-http/model-behaviour.ts), whatever the key; undefined: normal again.
   */
  setModelBehaviour(model: string, behaviour: ModelBehaviour | undefined): void;
  /** Forgets `setBehaviour` overrides, model behaviours, scripted outcomes, pending corruption and recorded requests. */
  reset(): void;
  /** Closes the server, cutting open connections and dropping answers still waiting on a delay. */
  stop(): Promise<void>;
}

/** How long keys with a slow marker wait when the stand-in's options do not say. */
const defaultSlowDelayMs = 4000;

/** Per key: what `setBehaviour` installed and what `scriptOutcomes` queued; else the key's markers decide. */
export class KeyBehaviours<Behaviour extends { outcome: Outcome }, Outcome> {
  private readonly overrides = new Map<string, Behaviour>();
  private readonly scripts = new Map<string, Outcome[]>();
  private readonly slowDelayMs: number;

  /** `fromKey`: the behaviour a key's markers select (its key-behaviour.ts); `slowDelayMs`: the stand-in's option. */
  constructor(
    private readonly fromKey: (apiKey: string, slowDelayMs: number) => Behaviour,
    slowDelayMs: number | undefined,
  ) {
    this.slowDelayMs = slowDelayMs ?? defaultSlowDelayMs;
  }

  set(apiKey: string, behaviour: Behaviour): void {
    this.overrides.set(apiKey, behaviour);
  }

  script(apiKey: string, outcomes: readonly Outcome[]): void {
    this.scripts.set(apiKey, [...outcomes]);
  }

  /** How a request with `apiKey` is answered; `scripted` (a generation request) takes the key's next scripted outcome, if any. */
  forRequest(apiKey: string, scripted: boolean): Behaviour {
    const behaviour = this.overrides.get(apiKey) ?? this.fromKey(apiKey, this.slowDelayMs);
    const outcome = scripted ? this.scripts.get(apiKey)?.shift() : undefined;
    return outcome ? { ...behaviour, outcome } : behaviour;
  }

  reset(): void {
    this.overrides.clear();
    this.scripts.clear();
  }
}

/** How many of the next successful answers to spoil, and how. */
export class Corruption<Kind> {
  private pending: { remaining: number; kind: Kind; apiKey?: string } | undefined;

  set(count: number, kind: Kind, apiKey?: string): void {
    this.pending = { remaining: count, kind, apiKey };
  }

  /** The kind to spoil an answer for `apiKey` with, using one up; undefined when none is pending for it. */
  take(apiKey: string | undefined): Kind | undefined {
    if (!this.pending || this.pending.remaining <= 0) return undefined;
    if (this.pending.apiKey !== undefined && this.pending.apiKey !== apiKey) return undefined;
    this.pending.remaining -= 1;
    return this.pending.kind;
  }

  reset(): void {
    this.pending = undefined;
  }
}

/** What `standInControls` works over. */
export interface StandInParts<Recorded, Behaviour extends { outcome: Outcome }, Outcome, Kind> {
  server: StandInServer;
  log: RequestLog<Recorded>;
  keys: KeyBehaviours<Behaviour, Outcome>;
  models: ModelBehaviours;
  corruption: Corruption<Kind>;
}

/** The controls over a running stand-in's parts; `onReset` forgets what else the stand-in keeps. */
export function standInControls<Recorded, Behaviour extends { outcome: Outcome }, Outcome, Kind>(
  parts: StandInParts<Recorded, Behaviour, Outcome, Kind>,
  onReset: () => void = () => undefined,
): StandInControls<Recorded, Behaviour, Outcome, Kind> {
  const { server, log, keys, models, corruption } = parts;
  return {
    url: server.url,
    get requests() {
      return log.all;
    },
    clearRequests: () => log.clear(),
    setBehaviour: (apiKey, behaviour) => keys.set(apiKey, behaviour),
    scriptOutcomes: (apiKey, outcomes) => keys.script(apiKey, outcomes),
    corruptNextAnswers: (count, kind, apiKey) => corruption.set(count, kind, apiKey),
    setModelBehaviour: (model, behaviour) => models.set(model, behaviour),
    reset() {
      models.reset();
      keys.reset();
      corruption.reset();
      onReset();
      log.clear();
    },
    stop: () => server.stop(),
  };
}

/** A request's URL and body as read, before it is recorded. */
export interface ReadRequest {
  url: URL;
  rawBody: string;
  /** Undefined for an empty body. */
  parsedBody: ReturnType<typeof parseJson> | undefined;
}

export async function readRequest(request: IncomingMessage): Promise<ReadRequest> {
  const url = new URL(request.url ?? "/", "http://stand-in");
  const rawBody = await readBody(request);
  return { url, rawBody, parsedBody: rawBody ? parseJson(rawBody) : undefined };
}

type CommonFields = "method" | "path" | "query" | "model" | "apiKey" | "body" | "at" | "abandoned";

/**
 * Records a request in `log` with what every stand-in records (method, path, query, the model if named,
 * the key, the JSON body, the time) and what this provider adds (`extra`), and marks it abandoned if the
 * caller goes away before the answer is sent in full.
 */
export function recordRequest<Recorded extends RecordedHttpRequest>(
  log: RequestLog<Recorded>,
  request: IncomingMessage,
  response: ServerResponse,
  read: ReadRequest,
  named: { model: string | undefined; apiKey: string | undefined },
  extra: Omit<Recorded, CommonFields>,
): Recorded {
  const record = log.add({
    method: request.method ?? "GET",
    path: read.url.pathname,
    query: Object.fromEntries(read.url.searchParams),
    ...(named.model !== undefined ? { model: named.model } : {}),
    apiKey: named.apiKey,
    body: read.parsedBody?.ok ? read.parsedBody.value : undefined,
    at: new Date(),
    ...extra,
  } as Recorded);
  noticeAbandoned(response, () => {
    record.abandoned = true;
  });
  return record;
}

/**
 * Waits as `behaviour` says (slow, held), then applies its answer fault to a generation request (`fault`,
 * else the key's `dropanswer` marker). Returns true when the fault is the whole answer (send nothing more).
 */
export async function delayThenFault(
  server: Pick<StandInServer, "wait">,
  request: IncomingMessage,
  response: ServerResponse,
  behaviour: { delayMs?: number; heldUntil?: Promise<unknown>; fault?: AnswerFault },
  apiKey: string,
  generation: boolean,
): Promise<boolean> {
  await delayAndHold(server, behaviour);
  const fault = generation ? (behaviour.fault ?? answerFaultFromKey(apiKey)) : undefined;
  return fault !== undefined && injectAnswerFault(response, fault, request.url ?? "/");
}
