import type { Firestore, QueryDocumentSnapshot } from "firebase/firestore/lite";
import { useEffect, useState } from "react";
import { describeError, type ErrorDescription } from "../../lib/error-messages";

import { navigate, paths, practicePath } from "../../lib/router";
import { ConfirmDialog } from "../../ui/confirm-dialog";
import { ErrorNotice } from "../../ui/error-notice";
import { Link } from "../../ui/link";
import { Page } from "../../ui/page";
import { Score } from "../interview/feedback-view";
import { loadFirestore } from "./firestore";
import { deleteAllPractices, historyExport, practicePage, type Practice } from "./history-store";
import { formatDate, producedByLabel, typeLabel } from "./labels";
import { PracticeView } from "./practice-view";
import { ProgressChart } from "./progress-chart";
import { progressSeries } from "./progress-points";

const pageSize = 10;
/** The chart reads the latest practices in one query; older ones stay in the list. */
const chartWindow = 100;


/** History: progress, the past practices a page at a time, and one practice when its address names it. */
export default function HistoryPage({ uid, path }: { uid: string; path: string }) {
  const [db, setDb] = useState<Firestore>();
  const [startError, setStartError] = useState<ErrorDescription>();
  useEffect(() => {
    loadFirestore().then(setDb, (error: unknown) => setStartError(describeError(error, "history")));
  }, []);
  const practiceId = path.startsWith(`${paths.history}/`) ? decodeURIComponent(path.slice(paths.history.length + 1)) : undefined;

  if (startError) {
    return (
      <Page title="History">
        <ErrorNotice error={startError} />
      </Page>
    );
  }
  if (!db) return null;
  return practiceId ? <PracticeView key={practiceId} db={db} uid={uid} practiceId={practiceId} /> : <HistoryList db={db} uid={uid} />;
}

function HistoryList({ db, uid }: { db: Firestore; uid: string }) {
  const [practices, setPractices] = useState<Practice[]>();
  const [next, setNext] = useState<QueryDocumentSnapshot>();
  const [chartData, setChartData] = useState<Practice[]>();
  const [error, setError] = useState<ErrorDescription>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [confirmation, setConfirmation] = useState("");

  useEffect(() => {
    Promise.all([practicePage(db, uid, pageSize), practicePage(db, uid, chartWindow)]).then(
      ([first, recent]) => {
        setPractices(first.practices);
        setNext(first.next);
        setChartData(recent.practices);
      },
      (failure: unknown) => setError(describeError(failure, "history")),
    );
  }, [db, uid]);

  const loadMore = async () => {
    if (!next || loadingMore) return;
    setLoadingMore(true);
    try {
      const page = await practicePage(db, uid, pageSize, next);
      setPractices((current) => [...(current ?? []), ...page.practices]);
      setNext(page.next);
    } catch (failure) {
      setError(describeError(failure, "history"));
    } finally {
      setLoadingMore(false);
    }
  };

  const download = async () => {
    setError(undefined);
    try {
      const json = await historyExport(db, uid);
      const url = URL.createObjectURL(new Blob([json], { type: "application/json" }));
      const link = document.createElement("a");
      link.href = url;
      link.download = `interview-ai-history-${new Date().toISOString().slice(0, 10)}.json`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setConfirmation("Your history was downloaded.");
    } catch (failure) {
      setError(describeError(failure, "history"));
    }
  };

  const empty = practices?.length === 0;
  return (
    <Page title="History">
      <p>
        Every practice you start is kept here for you alone: its questions, your answers and the feedback. How long it is
        kept is your choice in <Link to={paths.settings}>Settings</Link>.
      </p>
      <ErrorNotice error={error} />
      <p className="confirmation" role="status">
        {confirmation}
      </p>
      {!practices && !error && (
        <p className="loading" role="status">
          <span className="spinner" aria-hidden="true" /> Loading your history…
        </p>
      )}
      {empty && (
        <div className="card stack">
          <p>No practice yet. <Link to={paths.practice}>Start one</Link>: it shows up here as soon as its questions are ready.</p>
        </div>
      )}
      {practices && !empty && (
        <>
          <section className="card stack" aria-labelledby="progress-heading">
            <h2 id="progress-heading">Progress</h2>
            <ProgressChart series={progressSeries(chartData ?? [])} />
          </section>
          <section className="stack" aria-labelledby="practices-heading">
            <h2 id="practices-heading">Past practices</h2>
            <ol className="history-list">
              {practices.map((practice) => (
                <li key={practice.id} className="card history-item">
                  <div className="history-item-main">
                    <h3 className="history-title">
                      <Link to={practicePath(practice.id)}>{practice.jobTitle}</Link>
                    </h3>
                    <p className="history-meta">
                      <time dateTime={practice.createdAt.toDate().toISOString()}>{formatDate(practice.createdAt.toDate())}</time> ·{" "}
                      {typeLabel(practice.interviewType)} · {producedByLabel(practice.feedbackProvider ?? practice.provider, practice.feedbackModel ?? practice.model)}
                    </p>
                  </div>
                  {practice.overallScore === null ? <p className="tag">Not finished</p> : <Score score={practice.overallScore} />}
                </li>
              ))}
            </ol>
            {next && (
              <div className="actions">
                <button type="button" className="button button-secondary" onClick={() => void loadMore()} aria-disabled={loadingMore || undefined}>
                  {loadingMore ? "Loading…" : "Show older practices"}
                </button>
              </div>
            )}
          </section>
          <section className="card stack" aria-labelledby="your-data-heading">
            <h2 id="your-data-heading">Your history's data</h2>
            <p>Download every practice as one JSON file, or delete them all. Deleting cannot be undone.</p>
            <div className="actions">
              <button type="button" className="button button-secondary" onClick={() => void download()}>
                Download my history
              </button>
              <ConfirmDialog
                id="delete-all-history"
                trigger="Delete all history"
                title="Delete all your history?"
                description="Every practice, with its answers and feedback, is deleted for good. Your keys and settings stay."
                confirmLabel="Delete all history"
                busyLabel="Deleting…"
                errorContext="history"
                onConfirm={() => deleteAllPractices(db, uid)}
                onDone={(deleted) => {
                  setPractices([]);
                  setChartData([]);
                  setNext(undefined);
                  setConfirmation(`Your history was deleted (${deleted} practice${deleted === 1 ? "" : "s"}).`);
                  navigate(paths.history);
                }}
              />
            </div>
          </section>
        </>
      )}
    </Page>
  );
}
