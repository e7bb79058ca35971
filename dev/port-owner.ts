import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createServer } from "node:net";
import type { Endpoint } from "./stack-config";

/**
 * Who holds a port that `npm start` needs: most often an emulator left from an earlier run (a terminal
 * closed before dev/run.ts could stop it), which the user can only stop once they know which process it is.
 */

export interface PortOwner {
  pid: number;
  command: string;
}

/** True when nothing listens on `endpoint` (we could bind it ourselves). */
export function isPortFree(endpoint: Endpoint): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ host: endpoint.host, port: endpoint.port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * The process listening on `port`: on Linux from /proc (a listening socket's inode, then the process whose
 * file descriptors hold it), elsewhere from lsof; undefined when neither can tell (another user's process).
 */
export function findPortOwner(port: number): PortOwner | undefined {
  return process.platform === "linux" ? ownerFromProc(port) : ownerFromLsof(port);
}

/** One line for a user: the services whose ports are taken, by whom, and how to stop them. */
export async function describeBusyPorts(services: Record<string, Endpoint>): Promise<string | undefined> {
  const busy: string[] = [];
  for (const [name, endpoint] of Object.entries(services)) {
    if (await isPortFree(endpoint)) continue;
    const owner = findPortOwner(endpoint.port);
    busy.push(
      owner
        ? `  port ${endpoint.port} (${name}) is held by process ${owner.pid}: ${owner.command}`
        : `  port ${endpoint.port} (${name}) is in use by a process this user cannot see`,
    );
  }
  if (busy.length === 0) return undefined;
  return [
    "Ports this app needs are in use, most likely by emulators left from an earlier run:",
    ...busy,
    "Stop those processes (kill <pid>), or the other npm start or npm test, then try again.",
  ].join("\n");
}

const tcpListen = "0A";

function ownerFromProc(port: number): PortOwner | undefined {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== tcpListen) continue;
      if (parseInt(fields[1].split(":")[1], 16) === port) inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const pid of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
    let descriptors: string[];
    try {
      descriptors = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of descriptors) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) return { pid: Number(pid), command: commandLineOf(pid) };
    }
  }
  return undefined;
}

function commandLineOf(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ").slice(0, 200);
  } catch {
    return "(command line unreadable)";
  }
}

function ownerFromLsof(port: number): PortOwner | undefined {
  const result = spawnSync("lsof", ["-nP", `-iTCP:${port}`, "-sTCP:LISTEN", "-Fpc"], { encoding: "utf8" });
  const pid = /^p(\d+)$/m.exec(result.stdout ?? "")?.[1];
  const command = /^c(.+)$/m.exec(result.stdout ?? "")?.[1];
  return pid ? { pid: Number(pid), command: command ?? "" } : undefined;
}
