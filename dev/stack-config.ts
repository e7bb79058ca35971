import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Where every local service listens, read from firebase.json's `emulators` block (the one file that says
 * so), plus the project id and the functions' local params. Shared by dev/run.ts and the tests.
 */

export const repoRoot = join(__dirname, "..");

export interface Endpoint {
  host: string;
  port: number;
}

export interface StackConfig {
  projectId: string;
  auth: Endpoint;
  functions: Endpoint;
  firestore: Endpoint;
  hosting: Endpoint;
  hub: Endpoint;
  logging: Endpoint;
  /** The local Cloud KMS (dev/local-kms). */
  kms: Endpoint;
  /** The Gemini REST stand-in (dev/gemini-stand-in). */
  geminiStandIn: Endpoint;
  /** The Anthropic REST stand-in (dev/anthropic-stand-in). */
  anthropicStandIn: Endpoint;
  /** The OpenAI REST stand-in (dev/openai-stand-in). */
  openAiStandIn: Endpoint;
  /** The OpenRouter REST stand-in (dev/openrouter-stand-in). */
  openRouterStandIn: Endpoint;
  /** KMS key the functions wrap data keys with, from functions/.env.<projectId>. */
  kmsKeyName: string;
}

export function loadStackConfig(): StackConfig {
  const firebaseJson = JSON.parse(readFileSync(join(repoRoot, "firebase.json"), "utf8")) as {
    emulators: Record<string, Partial<Endpoint> | undefined>;
  };
  const firebaserc = JSON.parse(readFileSync(join(repoRoot, ".firebaserc"), "utf8")) as { projects: { default: string } };
  const projectId = process.env.GCLOUD_PROJECT || firebaserc.projects.default;
  const emulators = firebaseJson.emulators;
  const endpoint = (name: string): Endpoint => {
    const entry = emulators[name];
    if (!entry?.port) throw new Error(`firebase.json has no emulators.${name}.port`);
    return { host: entry.host ?? "127.0.0.1", port: entry.port };
  };
  const params = readDotEnv(join(repoRoot, "functions", `.env.${projectId}`));
  return {
    projectId,
    auth: endpoint("auth"),
    functions: endpoint("functions"),
    firestore: endpoint("firestore"),
    hosting: endpoint("hosting"),
    hub: endpoint("hub"),
    logging: endpoint("logging"),
    kms: endpoint("kms"),
    geminiStandIn: endpoint("geminiStandIn"),
    anthropicStandIn: endpoint("anthropicStandIn"),
    openAiStandIn: endpoint("openaiStandIn"),
    openRouterStandIn: endpoint("openrouterStandIn"),
    kmsKeyName: process.env.KMS_KEY_NAME || params.KMS_KEY_NAME,
  };
}

export const hostPort = (endpoint: Endpoint) => `${endpoint.host}:${endpoint.port}`;
export const httpUrl = (endpoint: Endpoint) => `http://${hostPort(endpoint)}`;

function readDotEnv(path: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) values[match[1]] = match[2];
  }
  return values;
}
