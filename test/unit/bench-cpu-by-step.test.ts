import assert from "node:assert/strict";
import { cpuByStep, timeOriginOnProfileClock, type CpuProfile, type StepCpu } from "../../dev/bench/cpu-profile";

/**
 * The bench's CPU by step (dev/bench/cpu-profile.ts), on a hand-made profile: V8 stamps samples in µs on the
 * monotonic clock, the steps are windows of `performance.now()`; `at(ms)` is the one clock on the other.
 */
const at = (ms: number) => timeOriginOnProfileClock() + ms * 1000;

/** Samples one frame each, at the given `performance.now()` times; the first delta is from `startTime`. */
function profileOf(start: number, samples: Array<{ ms: number; frame: "ours" | "genkit" | "(idle)" }>): CpuProfile {
  const frames = {
    ours: { functionName: "countedAhead", url: "file:///app/functions/lib/limits/rate-limit.js", lineNumber: 10 },
    genkit: { functionName: "validate", url: "file:///app/node_modules/@cfworker/json-schema/dist/validate.js", lineNumber: 38 },
    "(idle)": { functionName: "(idle)", url: "", lineNumber: -1 },
  };
  const nodes = Object.values(frames).map((callFrame, index) => ({ id: index + 1, callFrame }));
  const idOf = (frame: keyof typeof frames) => Object.keys(frames).indexOf(frame) + 1;
  let previous = start;
  const timeDeltas = samples.map(({ ms }) => {
    const delta = (ms - previous) * 1000;
    previous = ms;
    return delta;
  });
  return { nodes, startTime: at(start), endTime: at(previous), samples: samples.map(({ frame }) => idOf(frame)), timeDeltas };
}

/** To 0.1 ms: the two clocks are read a moment apart, so a window's edge can move by a few µs. */
function rounded({ wallMs, busyMs, byOwner }: StepCpu) {
  const r = (ms: number) => Math.round(ms * 10) / 10;
  return { wallMs: r(wallMs), busyMs: r(busyMs), byOwner: byOwner.map(({ name, ms }) => ({ name, ms: r(ms) })) };
}

describe("bench: CPU by step (dev/bench/cpu-profile.ts)", () => {
  const base = 1_000_000; // a `performance.now()` far from the test's own, so no real sample could land here

  it("gives each step the samples inside its windows, summed over calls, by owner; idle and samples between windows count nowhere", () => {
    const profile = profileOf(base, [
      { ms: base + 1, frame: "ours" }, // call 1, "before"
      { ms: base + 2, frame: "genkit" }, // call 1, "genkit"
      { ms: base + 3, frame: "(idle)" }, // call 1, "genkit": idle
      { ms: base + 5, frame: "genkit" }, // between the calls
      { ms: base + 11, frame: "ours" }, // call 2, "before"
      { ms: base + 12, frame: "genkit" }, // call 2, "genkit"
      { ms: base + 13, frame: "ours" }, // after the calls
    ]);
    // Each sample stands for the time until the next (1 ms here), cut at its window's end.
    const steps = cpuByStep(profile, [
      { step: "before", from: base + 0.5, to: base + 1.5 }, // ours: 0.5 ms
      { step: "genkit", from: base + 1.5, to: base + 4.5 }, // genkit: 1 ms, then idle
      { step: "before", from: base + 10.5, to: base + 11.5 }, // ours: 0.5 ms
      { step: "genkit", from: base + 11.5, to: base + 12.5 }, // genkit: 0.5 ms
    ]);
    const byName = Object.fromEntries(steps.map((step) => [step.step, step]));

    assert.deepEqual(rounded(byName.before), { wallMs: 2, busyMs: 1, byOwner: [{ name: "ours: functions/lib/limits", ms: 1 }] });
    assert.deepEqual(rounded(byName.genkit), { wallMs: 4, busyMs: 1.5, byOwner: [{ name: "@cfworker/json-schema", ms: 1.5 }] });
  });

  it("cuts a sample's share at its window's end when the next sample comes late (the sampler fell behind)", () => {
    const profile = profileOf(base, [
      { ms: base + 1, frame: "genkit" },
      { ms: base + 9, frame: "ours" }, // 8 ms later: only 0.5 ms of them were inside the window
    ]);
    const [step] = cpuByStep(profile, [{ step: "genkit", from: base + 0.5, to: base + 1.5 }]);
    assert.equal(rounded(step).busyMs, 0.5);
  });
});
