import type { ErrorDescription, ErrorLink } from "../lib/error-messages";
import { ExternalLink, Link } from "./link";

/** A failure's next step: an in-app link, or a link that leaves the app in a new tab. */
export function NextStepLink({ link }: { link: ErrorLink }) {
  return link.href.startsWith("/") ? <Link to={link.href}>{link.label}</Link> : <ExternalLink href={link.href}>{link.label}</ExternalLink>;
}

/**
 * A failure and its next step. The live region stays in the page even when empty, so screen
 * readers announce a message the moment it appears.
 */
export function ErrorNotice({ error }: { error: Pick<ErrorDescription, "message" | "action"> | undefined }) {
  return (
    <div className="notice notice-error" role="alert">
      {error && (
        <p>
          {error.message}
          {error.action && " "}
          {error.action && <NextStepLink link={error.action} />}
        </p>
      )}
    </div>
  );
}
