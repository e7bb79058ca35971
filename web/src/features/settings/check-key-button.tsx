import { useState } from "react";
import { providerInfo } from "../../../../functions/src/providers";
import { verifyApiKey, type ApiKeyStatus, type Provider } from "../../lib/callables";
import { describeError, type ErrorDescription } from "../../lib/error-messages";
import { ProviderSuffix } from "./provider-suffix";

/** What a re-check found, in words (the status card shows the same as a badge). */
function verdict(status: ApiKeyStatus): string {
  const { company } = providerInfo[status.provider];
  switch (status.state) {
    case "active":
      return `Checked with ${company} just now: your key works.`;
    case "invalid":
      return `Checked with ${company} just now: ${company} rejected your key. Save a new one below.`;
    case "quota_exhausted":
      return `Checked with ${company} just now: your key is genuine but out of quota.`;
    default:
      return `Checked with ${company} just now.`;
  }
}

/** "Check again": asks the provider about its stored key now and reports what it said. */
export function CheckKeyButton({
  provider,
  onChecked,
  onError,
}: {
  provider: Provider;
  onChecked: (status: ApiKeyStatus, message: string) => void;
  onError: (error: ErrorDescription | undefined) => void;
}) {
  const [checking, setChecking] = useState(false);

  const check = async () => {
    if (checking) return;
    setChecking(true);
    onError(undefined);
    try {
      const status = await verifyApiKey(provider);
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
      <ProviderSuffix provider={provider} />
    </button>
  );
}
