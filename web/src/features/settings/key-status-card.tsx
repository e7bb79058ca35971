import type { ReactNode } from "react";
import { providerInfo } from "../../../../functions/src/providers";
import type { KeyState, ApiKeyStatus } from "../../lib/callables";
import { providerPages } from "../../lib/provider-pages";
import { todaysTokens, todaysUsage } from "./todays-usage";

/** What each state means, in the words of the company that runs the provider ("Google rejected this key"). */
function stateLabel(state: KeyState, company: string, billedTo: string): { label: string; explanation?: string } {
  switch (state) {
    case "active":
      return { label: "Active" };
    case "unverified":
      return { label: "Not verified", explanation: `${company} hasn't checked this key yet; that happens when it is first used.` };
    case "invalid":
      return {
        label: "Invalid",
        explanation: `${company} rejected this key the last time it was used. Save a valid key below to keep practising with it.`,
      };
    case "quota_exhausted":
      return {
        label: "Quota exhausted",
        explanation: `This key ran out of quota the last time it was used. Check the plan and billing of ${billedTo}.`,
      };
    case "unreadable":
      return {
        label: "Can't be read",
        explanation:
          "Your saved key can no longer be read from the secure key store, so it can't be used. Trying again won't change that: enter your key again below.",
      };
  }
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** OpenRouter's credits are US dollars; cents are what a call costs, so two decimals suffice. */
const creditFormat = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** "$7.49 of $10.00 left", "No limit set on this key": the key's credit as its provider last reported it. */
export function creditText(credit: NonNullable<ApiKeyStatus["credit"]>): string {
  if (credit.limit === null || credit.remaining === null) return "No credit limit on this key";
  return `${creditFormat.format(Math.max(0, credit.remaining))} of ${creditFormat.format(credit.limit)} left`;
}

function When({ iso, otherwise }: { iso: string | undefined; otherwise: string }) {
  if (!iso) return <>{otherwise}</>;
  return <time dateTime={iso}>{dateFormat.format(new Date(iso))}</time>;
}

/** What the server knows about the stored key. Only its hint is ever shown; the key cannot be read back. */
export function KeyStatusCard({ status, actions }: { status: ApiKeyStatus; actions?: ReactNode }) {
  const { label, company } = providerInfo[status.provider];
  if (!status.hasKey) {
    return (
      <div className="key-status key-status-empty">
        <p className="key-status-title">No key saved yet</p>
        <p>Add your {label} API key below to practise with {label}.</p>
      </div>
    );
  }
  const state = status.state ? stateLabel(status.state, company, providerPages[status.provider].billedTo) : undefined;
  const today = todaysTokens(status);
  return (
    <div className="key-status">
      <p className="key-status-title">
        <span>
          Saved key <code className="key-hint">{status.hint}</code>
        </span>
        {state && status.state && (
          <span className={`badge badge-${status.state}`}>
            <span className="visually-hidden">Status: </span>
            {state.label}
          </span>
        )}
      </p>
      {state?.explanation && <p className="key-status-explanation">{state.explanation}</p>}
      {status.rotationDue && (
        <p className="notice notice-warning key-rotation-due">
          Time for a fresh key: this one was added on <When iso={status.createdAt} otherwise="—" />. Create a new key in{" "}
          {providerInfo[status.provider].console}, save it below, then delete this one there.
        </p>
      )}
      <dl className="key-facts">
        <div>
          <dt>Added</dt>
          <dd>
            <When iso={status.createdAt} otherwise="—" />
          </dd>
        </div>
        <div>
          <dt>Last verified</dt>
          <dd>
            <When iso={status.verifiedAt} otherwise="Not yet" />
          </dd>
        </div>
        <div>
          <dt>Last used</dt>
          <dd>
            <When iso={status.lastUsedAt} otherwise="Not yet" />
          </dd>
        </div>
        <div>
          <dt>Times used</dt>
          <dd>{status.usageCount ?? 0}</dd>
        </div>
        <div>
          <dt>Expires</dt>
          <dd>
            <When iso={status.expiresAt} otherwise="Never" />
          </dd>
        </div>
        {status.credit && (
          <div>
            <dt>Credit</dt>
            <dd className="key-credit">
              {creditText(status.credit)}{" "}
              <span className="key-credit-when">
                (as of <When iso={status.credit.checkedAt} otherwise="—" />)
              </span>
            </dd>
          </div>
        )}
        {todaysUsage(status) && (
          <div>
            <dt>AI requests</dt>
            <dd>{todaysUsage(status)}</dd>
          </div>
        )}
        {today && (
          <div>
            <dt>Today</dt>
            <dd className="todays-tokens">
              {today.text}
              {today.costNote && <span className="todays-cost-note"> ({today.costNote})</span>}
            </dd>
          </div>
        )}
      </dl>
      {actions && <div className="key-status-actions">{actions}</div>}
    </div>
  );
}
