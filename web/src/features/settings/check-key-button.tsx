import { useState } from "react";
import { verifyApiKey, type ApiKeyStatus } from "../../lib/callables";
import { describeError, type ErrorDescription } from "../../lib/error-messages";

/** What a re-check found, in words (the status card shows the same as a badge). */
function verdict(status: ApiKeyStatus): string {
  switch (status.state) {
    case "active":
      return "Checked with Google just now: your key works.";
    case "invalid":
      return "Checked with Google just now: Google rejected your key. Save a new one below.";
    case "quota_exhausted":
      return "Checked with Google just now: your key is genuine but out of quota.";
    default:
      return "Checked with Google just now.";
  }
}

/** "Check again": asks Google about the stored key now and reports what it said. */
export function CheckKeyButton({
  onChecked,
  onError,
}: {
  onChecked: (status: ApiKeyStatus, message: string) => void;
  onError: (error: ErrorDescription | undefined) => void;
}) {
  const [checking, setChecking] = useState(false);

  const check = async () => {
    if (checking) return;
    setChecking(true);
    onError(undefined);
    try {
      const status = await verifyApiKey();
      onChecked(status, verdict(status));
    } catch (failure) {
      onError(describeError(failure, "manageKey"));
    } finally {
      setChecking(false);
    }
  };

  return (
    <button type="button" className="button button-secondary" onClick={() => void check()} aria-disabled={checking || undefined}>
      {checking ? "Checking…" : "Check again"}
    </button>
  );
}
