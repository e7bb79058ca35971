/**
 * The HTTP plumbing every provider stand-in shares (dev/*-stand-in): listening on loopback, reading a
 * request's body, sending JSON, recording what arrived and noticing a caller that went away, delaying and
 * holding answers, and two faults of the network rather than of the API — a connection dropped in the
 * middle of an answer, and a redirect elsewhere. What a provider answers stays in its own stand-in.
 */

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Where a provider stand-in listens, and how long its `slow` keys wait. */
export interface StandInOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port to listen on; 0 picks a free one (read it from `url`). */
  port: number;
  /** How long keys with the `slow` marker wait before answering; default 4000 ms. */
  slowDelayMs?: number;
}

/** One request as a provider stand-in received it; each stand-in adds what its API carries. */
export interface RecordedHttpRequest {
  method: string;
  /** URL path without the query. */
  path: string;
  query: Record<string, string>;
  /** The model the request named (in its path or body). */
  model?: string;
  /** The key the request carried, however its API sends it. */
  apiKey?: string;
  /** The parsed JSON body; undefined for a GET or a body that is not JSON. */
  body?: unknown;
  at: Date;
  /** Set once the caller closed the connection before the answer was sent in full (it cut the request). */
  abandoned?: true;
}

/** One request with every header, as the stand-ins of APIs whose headers matter record it (OpenAI, Anthropic, OpenRouter). */
export interface RecordedRequestWithHeaders extends RecordedHttpRequest {
  /** Every request header, names lower-case (the key's among them: compare with `apiKey`, never log). */
  headers: Record<string, string>;
}

export interface StandInListenOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port to listen on; 0 picks a free one (read it from `url`). */
  port: number;
}

/** A running stand-in's server, whatever API it speaks. */
export interface StandInServer {
  /** Base URL without a trailing slash, e.g. "http://127.0.0.1:41234". */
  readonly url: string;
  /** Waits `ms`, unless the server stops first (then the answer waiting on it is dropped with the connection). */
  wait(ms: number): Promise<void>;
  /** Closes the server, cutting open connections and dropping answers still waiting on a delay. */
  stop(): Promise<void>;
}

/**
 * Starts a server that hands every request to `handle`. A bug in `handle` (a rejection) is answered by
 * `answerFailure(response, message)`, a 500 in the provider's own error shape, so whoever reads the
 * failing test sees it; once the answer has begun, the connection is cut instead.
 */
export async function startStandInServer(
  options: StandInListenOptions,
  handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
  answerFailure: (response: ServerResponse, message: string) => void,
): Promise<StandInServer> {
  const host = options.host ?? "127.0.0.1";
  const delays = new Set<NodeJS.Timeout>();

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!response.headersSent) answerFailure(response, message);
      else response.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    wait: (ms) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          delays.delete(timer);
          resolve();
        }, ms);
        delays.add(timer);
      }),
    stop() {
      for (const timer of delays) clearTimeout(timer);
      delays.clear();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

/** The whole body of a request, as UTF-8 text. */
export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Every request header, names lower-case, repeated ones joined (to check what else a request carries). */
export function headerRecord(request: IncomingMessage): Record<string, string> {
  return Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(", ") : (value ?? "")]));
}

/** The token of an `Authorization: Bearer …` header. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? "");
  return match ? match[1].trim() : undefined;
}

/**
 * Sends `body` as JSON (compact, or with `indent`), unless the caller already went away. The headers
 * given replace the default content type.
 */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, indent?: number): void {
  if (response.destroyed) return;
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body, null, indent));
}

/** Calls `onAbandoned` if the connection closes before the answer was sent in full (the caller cut it). */
export function noticeAbandoned(response: ServerResponse, onAbandoned: () => void): void {
  response.once("close", () => {
    if (!response.writableFinished) onAbandoned();
  });
}

/** Requests a stand-in received, oldest first, read as a copy. */
export class RequestLog<Recorded> {
  private entries: Recorded[] = [];
  add(entry: Recorded): Recorded {
    this.entries.push(entry);
    return entry;
  }
  get all(): readonly Recorded[] {
    return [...this.entries];
  }
  clear(): void {
    this.entries = [];
  }
}

/** Waits `delayMs` (if any), then until `heldUntil` settles (if given): a slow or a held answer. */
export async function delayAndHold(server: Pick<StandInServer, "wait">, behaviour: { delayMs?: number; heldUntil?: Promise<unknown> }): Promise<void> {
  if (behaviour.delayMs) await server.wait(behaviour.delayMs);
  if (behaviour.heldUntil) await behaviour.heldUntil.catch(() => undefined);
}
