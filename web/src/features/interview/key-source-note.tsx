import { providerInfo } from "../../../../functions/src/providers";
import type { KeySource, Provider } from "../../lib/callables";

/** Which key paid for what the user is looking at: whose, and which provider's. */
export function KeySourceNote({ keySource, provider }: { keySource: KeySource; provider: Provider }) {
  const { label } = providerInfo[provider];
  return (
    <p className="key-source">
      {keySource === "user"
        ? `Generated with your own ${label} key.`
        : `Generated with Interview AI's shared ${label} key, which has a daily limit.`}
    </p>
  );
}
