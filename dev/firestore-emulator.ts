import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Endpoint } from "./stack-config";
import { waitForHttp } from "./wait-for-http";

/**
 * firebase-tools 15 starts its Java emulators only on Java 21+. Google's CLI package
 * google-cloud-cli-firestore-emulator ships the same real Cloud Firestore emulator, which runs on
 * Java 17, so on such machines we start it ourselves and hand FIRESTORE_EMULATOR_HOST to the rest.
 */

export const gcloudFirestoreEmulator = "/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud_firestore_emulator";
const exportName = "firestore_export";

/** Major version of the `java` on PATH, or undefined when there is none. */
export function javaMajorVersion(): number | undefined {
  const result = spawnSync("java", ["-version"], { encoding: "utf8" });
  const match = /version "(\d+)/.exec(`${result.stdout ?? ""}${result.stderr ?? ""}`);
  return match ? Number(match[1]) : undefined;
}

export interface StandaloneFirestore {
  /** Writes the data to `exportDir` (when given) so the next start can seed from it, then stops. */
  stop(exportDir?: string): Promise<void>;
}

export async function startStandaloneFirestore(options: {
  endpoint: Endpoint;
  projectId: string;
  rulesPath: string;
  logPath: string;
  importDir?: string;
}): Promise<StandaloneFirestore> {
  const { endpoint } = options;
  const seed = options.importDir && join(options.importDir, exportName, `${exportName}.overall_export_metadata`);
  const args = ["start", `--host=${endpoint.host}`, `--port=${endpoint.port}`, `--rules=${options.rulesPath}`];
  if (seed && existsSync(seed)) args.push(`--seed_from_export=${seed}`);

  const log = createWriteStream(options.logPath);
  const child = spawn(gcloudFirestoreEmulator, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  await waitForHttp(`http://${endpoint.host}:${endpoint.port}/`, child, { name: "The Firestore emulator (see its log)", timeoutMs: 60_000 });

  return {
    async stop(exportDir) {
      if (exportDir) {
        mkdirSync(exportDir, { recursive: true });
        const response = await fetch(`http://${endpoint.host}:${endpoint.port}/emulator/v1/projects/${options.projectId}:export`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            database: `projects/${options.projectId}/databases/(default)`,
            export_directory: exportDir,
            export_name: exportName,
          }),
        });
        if (!response.ok) console.error(`Firestore export failed: HTTP ${response.status}`);
      }
      await stopProcessGroup(child);
    },
  };
}

/**
 * The launcher is a shell script that starts java, and the JVM may outlive it while it shuts down (and
 * holds the port until then): signal the whole group and wait until no process of it is left, so that
 * "stopped" means the port is free. A group still there after 10 s is killed.
 */
async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const group = -child.pid;
  if (!signalGroup(group, "SIGTERM")) return;
  const killAt = Date.now() + 10_000;
  // A process nobody reaps (a container whose init does not) stays a zombie, holding no port: stop waiting.
  const giveUpAt = killAt + 5_000;
  while (signalGroup(group, 0) && Date.now() < giveUpAt) {
    if (Date.now() > killAt) signalGroup(group, "SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Sends `signal` to every process of `group`; false when none is left. */
function signalGroup(group: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(group, signal);
    return true;
  } catch {
    return false;
  }
}
