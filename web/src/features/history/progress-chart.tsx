import { useId, useState } from "react";
import { navigate, practicePath } from "../../lib/router";
import { Link } from "../../ui/link";
import { pointPositions, progressSummary, type ProgressSeries } from "./progress-points";

const box = { width: 640, height: 260, left: 40, right: 16, top: 16, bottom: 32 };
const gridScores = [0, 25, 50, 75, 100];
const dateFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric" });
const formatDate = (date: Date) => dateFormat.format(date);

/**
 * Overall score over time for one job title, drawn as SVG by hand (no chart library: the History chunk
 * stays small). The SVG is a group with a title and a description (the text alternative); each point
 * is a link to its practice, reachable by keyboard; a table view lists the same points.
 */
export function ProgressChart({ series }: { series: ProgressSeries[] }) {
  const [chosen, setChosen] = useState(0);
  const [asTable, setAsTable] = useState(false);
  const ids = useId();
  const current = series[Math.min(chosen, series.length - 1)];
  if (!current) return <p className="muted">Your progress shows here once you have feedback on a practice.</p>;
  const positions = pointPositions(current.points, box);
  const summary = progressSummary(current, formatDate);
  const plotBottom = box.height - box.bottom;

  return (
    <div className="stack progress">
      <div className="progress-controls">
        {series.length > 1 && (
          <label className="field-inline">
            Job title{" "}
            <select value={chosen} onChange={(event) => setChosen(Number(event.target.value))}>
              {series.map((entry, index) => (
                <option key={entry.jobTitle} value={index}>
                  {entry.jobTitle} ({entry.points.length})
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="button" className="button button-quiet" aria-pressed={asTable} onClick={() => setAsTable((value) => !value)}>
          {asTable ? "Show as a chart" : "Show as a table"}
        </button>
      </div>
      <p id={`${ids}-summary`} className="progress-summary">
        {summary}
      </p>
      {asTable ? (
        <table className="progress-table">
          <caption className="visually-hidden">Overall score of each finished practice for {current.jobTitle}</caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Overall score</th>
              <th scope="col">Practice</th>
            </tr>
          </thead>
          <tbody>
            {current.points.map((point) => (
              <tr key={point.practiceId}>
                <td>{formatDate(point.at)}</td>
                <td>{point.score} / 100</td>
                <td>
                  <Link to={practicePath(point.practiceId)}>Open</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <svg
          className="progress-chart"
          viewBox={`0 0 ${box.width} ${box.height}`}
          // A group, not an image: its points are links, which an image's children could not be.
          role="group"
          aria-labelledby={`${ids}-title`}
          aria-describedby={`${ids}-desc`}
        >
          <title id={`${ids}-title`}>Overall score over time: {current.jobTitle}</title>
          <desc id={`${ids}-desc`}>{summary}</desc>
          {gridScores.map((score) => {
            const y = box.top + (1 - score / 100) * (plotBottom - box.top);
            return (
              <g key={score} aria-hidden="true">
                <line className="chart-grid" x1={box.left} x2={box.width - box.right} y1={y} y2={y} />
                <text className="chart-label" x={box.left - 8} y={y + 4} textAnchor="end">
                  {score}
                </text>
              </g>
            );
          })}
          <g aria-hidden="true">
            <text className="chart-label" x={box.left} y={box.height - 8}>
              {formatDate(current.points[0].at)}
            </text>
            {current.points.length > 1 && (
              <text className="chart-label" x={box.width - box.right} y={box.height - 8} textAnchor="end">
                {formatDate(current.points.at(-1)!.at)}
              </text>
            )}
            {positions.length > 1 && <polyline className="chart-line" points={positions.map(({ x, y }) => `${x},${y}`).join(" ")} />}
          </g>
          {current.points.map((point, index) => {
            const href = practicePath(point.practiceId);
            return (
              <a
                key={point.practiceId}
                href={href}
                className="chart-point"
                aria-label={`${formatDate(point.at)}: ${point.score} out of 100. Open this practice.`}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(href);
                }}
              >
                <circle cx={positions[index].x} cy={positions[index].y} r={7} />
              </a>
            );
          })}
        </svg>
      )}
    </div>
  );
}
