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
  /** µs on the monotonic clock (CLOCK_MONOTONIC on Linux, the one `process.hrtime` reads). */
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** A stretch of one call, on this process's `performance.now()` clock. */
export interface StepWindow {
  step: string;
  from: number;
  to: number;
}

/**
 * Where `performance.now()` is 0 on the profile's clock, in µs: V8 stamps samples with the monotonic clock
 * that `process.hrtime` reads, and `performance.now()` counts from the process's time origin on it. The two
 * are read a moment apart: the closest of a few readings, `hrtime` taken between two `performance.now()`.
 */
export function timeOriginOnProfileClock(): number {
  let closest = { gapMs: Infinity, originUs: 0 };
  for (let reading = 0; reading < 5; reading += 1) {
    const before = performance.now();
    const hrtimeUs = Number(process.hrtime.bigint()) / 1000;
    const after = performance.now();
    if (after - before < closest.gapMs) closest = { gapMs: after - before, originUs: hrtimeUs - ((before + after) / 2) * 1000 };
  }
  return closest.originUs;
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
  const tally = new CpuTally();
  for (const [id, us] of selfUs) tally.add(nodes.get(id)!, us);
  const { busyMs, byOwner, topFunctions } = tally.shares();
  return { busyMs, byOwner, topFunctions: topFunctions.slice(0, top) };
}

/** Self time added up by owner and by function, idle left out. */
class CpuTally {
  private busyUs = 0;
  private readonly owners = new Map<string, number>();
  private readonly functions = new Map<string, number>();

  add({ callFrame: { functionName, url, lineNumber } }: ProfileNode, us: number): void {
    const owner = ownerOf(functionName, url);
    if (owner === "(idle)") return;
    this.busyUs += us;
    this.owners.set(owner, (this.owners.get(owner) ?? 0) + us);
    const where = url ? `${owner} ${fileOf(url)}:${lineNumber + 1}` : owner;
    const name = `${functionName || "(anonymous)"} (${where})`;
    this.functions.set(name, (this.functions.get(name) ?? 0) + us);
  }

  shares(): CpuProfileSummary {
    const largest = (shares: Map<string, number>) => [...shares].map(([name, us]) => ({ name, ms: us / 1000 })).sort((a, b) => b.ms - a.ms);
    return { busyMs: this.busyUs / 1000, byOwner: largest(this.owners), topFunctions: largest(this.functions) };
  }
}

/** One step's CPU (sampled inside its windows) beside its wall time, summed over the calls, ms. */
export interface StepCpu extends CpuProfileSummary {
  step: string;
  wallMs: number;
}

/**
 * The profile's samples that fall inside each step's windows, by owner: what a step's wall time was spent
 * on in this process (the rest of it the process waited: on the emulator, the stand-in, the event loop).
 */
export function cpuByStep(profile: CpuProfile, windows: readonly StepWindow[]): StepCpu[] {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const origin = timeOriginOnProfileClock();
  const steps = new Map<string, { wallMs: number; tally: CpuTally }>();
  for (const window of windows) {
    const step = steps.get(window.step) ?? { wallMs: 0, tally: new CpuTally() };
    step.wallMs += window.to - window.from;
    steps.set(window.step, step);
  }
  const byStart = [...windows].sort((a, b) => a.from - b.from);
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let at = profile.startTime;
  let next = 0;
  samples.forEach((id, index) => {
    at += deltas[index] ?? 0;
    const now = (at - origin) / 1000;
    while (next < byStart.length && byStart[next].to <= now) next += 1;
    const window = byStart[next];
    if (!window || now < window.from) return;
    // A sample stands for the time until the next one, cut at the window's end (the sampler can fall behind).
    const untilNextUs = deltas[index + 1] ?? deltas[index] ?? 0;
    steps.get(window.step)!.tally.add(nodes.get(id)!, Math.min(untilNextUs, (window.to - now) * 1000));
  });
  return [...steps].map(([step, { wallMs, tally }]) => ({ step, wallMs, ...tally.shares() }));
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
