/** Timing samples and how the bench summarises them. */

export interface Distribution {
  median: number;
  p95: number;
  samples: number;
}

/** Nearest-rank percentile, `p` in 0..100. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error("No samples.");
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function distribution(values: readonly number[]): Distribution {
  return { median: percentile(values, 50), p95: percentile(values, 95), samples: values.length };
}

/** Milliseconds `work` takes. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/**
 * Samples a subject and its floor side by side: `rounds` rounds, each timing both once, in alternating
 * order (floor first, then subject first), so that drift in the machine's load falls on both alike.
 * Each function returns the milliseconds it wants recorded (usually from `timed`).
 */
export async function interleaved(
  rounds: number,
  floor: () => Promise<number>,
  subject: () => Promise<number>,
): Promise<{ floor: number[]; subject: number[] }> {
  const floorSamples: number[] = [];
  const subjectSamples: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    if (round % 2 === 0) {
      floorSamples.push(await floor());
      subjectSamples.push(await subject());
    } else {
      subjectSamples.push(await subject());
      floorSamples.push(await floor());
    }
  }
  return { floor: floorSamples, subject: subjectSamples };
}
