import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { httpUrl, loadStackConfig } from "../../dev/stack-config";
import { emulatorAppCheckToken } from "../../web/src/lib/emulator-app-check";

/**
 * Requests to the callables as an attacker (or a curl user) sends them, without the Firebase SDK, and
 * the emulator log they leave: for tests of what the wire and the log show.
 */

const config = loadStackConfig();

export interface RawRequest {
  method?: string;
  contentType?: string;
  accept?: string;
  body?: string;
}

export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
}

const urlOf = (name: string) => `${httpUrl(config.functions)}/${config.projectId}/us-central1/${name}`;

/**
 * Sends `request` to the callable `name`. With an ID token the request stands for the app's, so it
 * carries an App Check token too (every callable enforces App Check; the emulator only checks that there
 * is one). Without, it carries neither.
 */
export async function sendRaw(name: string, request: RawRequest, idToken?: string): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  if (request.contentType !== undefined || request.body !== undefined) headers["Content-Type"] = request.contentType ?? "application/json";
  if (request.accept) headers.Accept = request.accept;
  if (idToken) {
    headers.Authorization = `Bearer ${idToken}`;
    headers["X-Firebase-AppCheck"] = emulatorAppCheckToken({ projectId: config.projectId }).token;
  }
  const response = await fetch(urlOf(name), { method: request.method ?? "POST", headers, body: request.body });
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", text: await response.text() };
}

/** The error a callable answered, from a JSON body or a server-sent event. */
export function errorOf(text: string): { status?: string; message?: string; details?: { reason?: string } } | undefined {
  const json = text.startsWith("data: ") ? text.slice("data: ".length) : text;
  try {
    return (JSON.parse(json) as { error?: { status?: string } }).error;
  } catch {
    return undefined;
  }
}

/** The emulator log captured by `npm test` from here on; undefined (and the test says so) when not captured. */
export function emulatorLogFromNow(): { read(): string } | undefined {
  const file = process.env.EMULATOR_LOG_FILE;
  if (!file) {
    console.log("        (log not checked: only `npm test` captures the emulators' output, EMULATOR_LOG_FILE is unset)");
    return undefined;
  }
  const start = statSync(file).size;
  return { read: () => readFileSync(file).subarray(start).toString("utf8") };
}

/** Waits until `ready` holds for the log (the emulator writes the functions' output in its own time). */
export async function waitForLog(log: { read(): string }, ready: (text: string) => boolean, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = log.read();
    if (ready(text)) return text;
    if (Date.now() > deadline) assert.fail("the emulator log did not show the expected lines in time");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** How often `needle` occurs in `text`. */
export const occurrences = (text: string, needle: string) => text.split(needle).length - 1;

/** What firebase-functions writes when it refuses or fails to decode a request: none of it may appear. */
export const firebaseFunctionsProtocolLogs = [
  "Request body is missing data",
  "Request body has extra fields",
  "Request has incorrect Content-Type",
  "Request has invalid method",
  "Data cannot be decoded from JSON",
  "Invalid request, unable to process",
];
