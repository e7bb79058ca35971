import { Session } from "node:inspector/promises";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { repoRoot } from "../stack-config";

/**
 * A V8 CPU profile of this process around some work (what `node --cpu-prof` records for a whole run,
 * here for the window that matters), and where its CPU time went: by package or folder of ours, and by
 * function. Self time only: what a function spent in its own code, not in what it called.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Runs `work` with V8's sampling profiler on (100 µs interval) and returns its result and the profile. */
export async function profileCpu<Result>(work: () => Promise<Result>): Promise<{ result: Result; profile: CpuProfile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 100 });
    await session.post("Profiler.start");
    const result = await work();
    const { profile } = await session.post("Profiler.stop");
    return { result, profile };
  } finally {
    session.disconnect();
  }
}

export interface CpuShare {
  name: string;
  ms: number;
}

export interface CpuProfileSummary {
  /** CPU time sampled (everything but idle), ms. */
  busyMs: number;
  /** By package (node_modules), by folder of functions/lib, the bench's own code, Node's internals, GC. */
  byOwner: CpuShare[];
  /** The functions with the most self time: "name (owner file:line)". */
  topFunctions: CpuShare[];
}

/** Where the profile's CPU time went, largest first. */
export function summarizeCpuProfile(profile: CpuProfile, top = 12): CpuProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // Each sample's time is the gap to the next one (the last sample gets the gap before it).
  samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[index + 1] ?? deltas[index] ?? 0)));
  const owners = new Map<string, number>();
  const functions = new Map<string, number>();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    const owner = ownerOf(functionName, url);
    if (owner === "(idle)") continue;
    busyUs += us;
    owners.set(owner, (owners.get(owner) ?? 0) + us);
    const where = url ? `${owner} ${fileOf(url)}:${lineNumber + 1}` : owner;
    const key = `${functionName || "(anonymous)"} (${where})`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const largest = (shares: Map<string, number>) =>
    [...shares].map(([name, us]) => ({ name, ms: us / 1000 })).sort((a, b) => b.ms - a.ms);
  return { busyMs: busyUs / 1000, byOwner: largest(owners), topFunctions: largest(functions).slice(0, top) };
}

/** The package (node_modules), folder of ours, or V8 category a frame belongs to. */
export function ownerOf(functionName: string, url: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return "node internals";
  const path = url.startsWith("file://") ? fileURLToPath(url) : url;
  const inPackage = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(path.slice(path.lastIndexOf("node_modules") - 1));
  if (inPackage) return inPackage[1].replace(/\\/g, "/");
  const lib = /[\\/]functions[\\/]lib[\\/](?:([^\\/]+)[\\/])?/.exec(path);
  if (lib) return `ours: functions/lib/${lib[1] ?? ""}`;
  if (path.includes(`${repoRoot}`)) return `bench: ${relative(repoRoot, path).split(/[\\/]/).slice(0, 2).join("/")}`;
  return "other";
}

function fileOf(url: string): string {
  const path = url.startsWith("file://") ? fileURLToPath(url) : url;
  const parts = path.split(/[\\/]/);
  return parts.slice(-2).join("/");
}
