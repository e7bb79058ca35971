import { providerInfo } from "../../../../functions/src/providers";
import type { ApiKeyStatuses, Provider } from "../../lib/callables";
import { paths } from "../../lib/router";
import { Field } from "../../ui/field";
import { Link } from "../../ui/link";
import { modelOf, providersWithKey, type Payer } from "./who-pays";

/**
 * Says, before the user starts, whose key will pay for this practice; with keys of more than one
 * provider, lets them pick another for this practice only (Settings holds the lasting choice).
 */
export function PayerChoice({ keys, payer, onChoose }: { keys: ApiKeyStatuses; payer: Payer; onChoose: (provider: Provider) => void }) {
  if (payer.keySource === "none" && keys.sharedKey) {
    return (
      <p id="payer" className="key-source">
        Interview AI's shared {providerInfo[keys.sharedKey.provider].label} key will pay for this practice ({keys.sharedKey.dailyCap} requests a day).{" "}
        <Link to={paths.settings}>Add your own key in Settings</Link> for more.
      </p>
    );
  }
  if (payer.keySource === "none") {
    return (
      <p id="payer" className="key-source">
        You haven't added an API key of your own yet. <Link to={paths.settings}>Add one in Settings</Link>.
      </p>
    );
  }
  const withKey = providersWithKey(keys);
  const model = modelOf(keys, payer.provider);
  const note = (
    <p id="payer" className="key-source">
      Your {providerInfo[payer.provider].label} key will pay for this practice{model ? `, on ${model}` : ""}.
    </p>
  );
  if (withKey.length < 2) return note;
  return (
    <Field id="practice-provider" label="Key for this practice">
      <select
        id="practice-provider"
        aria-describedby="payer"
        value={payer.provider}
        onChange={(event) => onChoose(event.target.value as Provider)}
      >
        {withKey.map((provider) => (
          <option key={provider} value={provider}>
            Your {providerInfo[provider].label} key
          </option>
        ))}
      </select>
      {note}
    </Field>
  );
}
