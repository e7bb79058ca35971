import { useEffect, useState } from "react";
import { apiKeyActivity, type KeyActivityEvent } from "../../lib/callables";
import { describeError, type ErrorDescription } from "../../lib/error-messages";
import { ErrorNotice } from "../../ui/error-notice";
import { describeActivity } from "./activity-text";

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/**
 * "Recent activity": the user's own key events, newest first, as the server's audit trail has them.
 * Loads again whenever `version` changes (after a save, a check or a removal).
 */
export function KeyActivity({ version }: { version: number }) {
  const [events, setEvents] = useState<KeyActivityEvent[]>();
  const [error, setError] = useState<ErrorDescription>();

  useEffect(() => {
    let current = true;
    apiKeyActivity().then(
      (loaded) => {
        if (!current) return;
        setEvents(loaded);
        setError(undefined);
      },
      (failure: unknown) => {
        if (current) setError(describeError(failure, "manageKey"));
      },
    );
    return () => {
      current = false;
    };
  }, [version]);

  return (
    <section className="card stack" aria-labelledby="activity-heading">
      <h2 id="activity-heading">Recent activity</h2>
      <p>What happened to your key lately, newest first. Only you can see this; it never shows the key itself.</p>
      {error ? (
        <ErrorNotice error={error} />
      ) : !events ? (
        <p className="loading" role="status">
          <span className="spinner" aria-hidden="true" /> Loading activity…
        </p>
      ) : events.length === 0 ? (
        <p className="muted">Nothing yet.</p>
      ) : (
        <ol className="activity-list" aria-label="Key events, newest first">
          {events.map((event, index) => (
            // Events have no id of their own and the list is replaced as a whole on every load.
            <li key={`${event.at}-${index}`}>
              <time dateTime={event.at}>{timeFormat.format(new Date(event.at))}</time>
              <span>{describeActivity(event)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
