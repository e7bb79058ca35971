import type { ErrorDescription } from "../lib/error-messages";
import { ExternalLink, Link } from "./link";

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
          {error.action &&
            (error.action.href.startsWith("/") ? (
              <Link to={error.action.href}>{error.action.label}</Link>
            ) : (
              <ExternalLink href={error.action.href}>{error.action.label}</ExternalLink>
            ))}
        </p>
      )}
    </div>
  );
}
