import { useEffect, useState } from "react";
import { providerInfo } from "../../../../functions/src/providers";
import { apiKeyActivity, type KeyActivityEvent, type Provider } from "../../lib/callables";
import { describeError, type ErrorDescription } from "../../lib/error-messages";
import { ErrorNotice } from "../../ui/error-notice";
import { describeActivity } from "./activity-text";

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/**
 * "Recent activity" of one provider's key: the user's own key events, newest first, as the server's
 * audit trail has them. Loads again whenever `version` changes (after a save, a check or a removal).
 */
export function KeyActivity({ provider, version }: { provider: Provider; version: number }) {
  const [events, setEvents] = useState<KeyActivityEvent[]>();
  const [error, setError] = useState<ErrorDescription>();
  const { label } = providerInfo[provider];

  useEffect(() => {
    let current = true;
    apiKeyActivity(provider).then(
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
  }, [provider, version]);

  return (
    <section className="stack" aria-labelledby={`${provider}-activity-heading`}>
      <h3 id={`${provider}-activity-heading`}>Recent activity</h3>
      <p>What happened to your {label} key lately, newest first. Only you can see this; it never shows the key itself.</p>
      {error ? (
        <ErrorNotice error={error} />
      ) : !events ? (
        <p className="loading" role="status">
          <span className="spinner" aria-hidden="true" /> Loading activity…
        </p>
      ) : events.length === 0 ? (
        <p className="muted">Nothing yet.</p>
      ) : (
        <ol className="activity-list" aria-label={`${label} key events, newest first`}>
          {events.map((event, index) => (
            // Events have no id of their own and the list is replaced as a whole on every load.
            <li key={`${event.at}-${index}`}>
              <time dateTime={event.at}>{timeFormat.format(new Date(event.at))}</time>
              <span>{describeActivity(event, provider)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
