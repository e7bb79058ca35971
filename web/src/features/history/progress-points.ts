/**
 * Pure: the progress chart's data and geometry. One series per job title (as typed, compared without case
 * or surrounding spaces), each point a finished practice's overall score at the time of its latest feedback.
 */

export interface ProgressPoint {
  practiceId: string;
  at: Date;
  score: number;
}

export interface ProgressSeries {
  jobTitle: string;
  points: ProgressPoint[];
}

export function progressSeries(practices: Array<{ id: string; jobTitle: string; overallScore: number | null; completedAt: { toDate(): Date } | null }>): ProgressSeries[] {
  const byTitle = new Map<string, ProgressSeries>();
  for (const practice of practices) {
    if (practice.overallScore === null || !practice.completedAt) continue;
    const key = practice.jobTitle.trim().toLowerCase();
    const series = byTitle.get(key) ?? { jobTitle: practice.jobTitle.trim(), points: [] };
    series.points.push({ practiceId: practice.id, at: practice.completedAt.toDate(), score: practice.overallScore });
    byTitle.set(key, series);
  }
  const all = [...byTitle.values()];
  for (const series of all) series.points.sort((a, b) => a.at.getTime() - b.at.getTime());
  // The title practised most first: the chart opens on it.
  return all.sort((a, b) => b.points.length - a.points.length || a.jobTitle.localeCompare(b.jobTitle));
}

export interface ChartBox {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Where each point is drawn: x by time (evenly spaced when all are at one instant), y by score 0–100. */
export function pointPositions(points: ProgressPoint[], box: ChartBox): Array<{ x: number; y: number }> {
  const first = points[0]?.at.getTime() ?? 0;
  const span = (points.at(-1)?.at.getTime() ?? 0) - first;
  const plotWidth = box.width - box.left - box.right;
  const plotHeight = box.height - box.top - box.bottom;
  return points.map((point, index) => {
    const share = span > 0 ? (point.at.getTime() - first) / span : points.length > 1 ? index / (points.length - 1) : 0.5;
    return { x: box.left + share * plotWidth, y: box.top + (1 - point.score / 100) * plotHeight };
  });
}

/** The chart's text alternative: what a sighted reader takes from it. */
export function progressSummary(series: ProgressSeries, formatDate: (date: Date) => string): string {
  const { points, jobTitle } = series;
  if (points.length === 0) return `No finished practice for ${jobTitle} yet.`;
  const first = points[0];
  const last = points.at(-1)!;
  const best = Math.max(...points.map((point) => point.score));
  if (points.length === 1) return `${jobTitle}: one finished practice, scored ${first.score} out of 100 on ${formatDate(first.at)}.`;
  const change = last.score - first.score;
  const trend = change > 0 ? `up ${change} points` : change < 0 ? `down ${-change} points` : "unchanged";
  return (
    `${jobTitle}: ${points.length} finished practices from ${formatDate(first.at)} to ${formatDate(last.at)}. ` +
    `Overall score went from ${first.score} to ${last.score} out of 100 (${trend}); best ${best}.`
  );
}
