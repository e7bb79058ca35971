import { useCallback, useEffect, useState } from "react";
import { providers } from "../../../../functions/src/providers";
import { apiKeyStatuses, type ApiKeyStatus, type Provider } from "../../lib/callables";
import { describeError, type ErrorDescription } from "../../lib/error-messages";

/** Every provider's key status by provider, and the provider the user prefers. */
export interface KeyStatuses {
  byProvider: Record<Provider, ApiKeyStatus>;
  preferredProvider: Provider | null;
}

/** A provider the server did not report on reads as having no key. */
function byProvider(statuses: readonly ApiKeyStatus[]): Record<Provider, ApiKeyStatus> {
  return Object.fromEntries(
    providers.map((provider) => [provider, statuses.find((status) => status.provider === provider) ?? { provider, hasKey: false }]),
  ) as Record<Provider, ApiKeyStatus>;
}

/** The signed-in user's key statuses, fetched when Settings opens, so usage figures are current. */
export function useKeyStatuses() {
  const [statuses, setStatuses] = useState<KeyStatuses>();
  const [loadError, setLoadError] = useState<ErrorDescription>();

  // Sets state only when the answer comes, so the effect below renders nothing synchronously.
  const load = useCallback(
    () =>
      apiKeyStatuses().then(
        (loaded) => setStatuses({ byProvider: byProvider(loaded.statuses), preferredProvider: loaded.preferredProvider }),
        (error: unknown) => setLoadError(describeError(error, "manageKey")),
      ),
    [],
  );

  /** Loads again after a failure; the old error goes at once, not when the answer comes. */
  const reload = useCallback(async () => {
    setLoadError(undefined);
    await load();
  }, [load]);

  useEffect(() => {
    void load();
  }, [load]);

  /** One provider's status as an action returned it. */
  const setStatus = useCallback((status: ApiKeyStatus) => {
    setStatuses((current) => current && { ...current, byProvider: { ...current.byProvider, [status.provider]: status } });
  }, []);

  const setPreferredProvider = useCallback((preferredProvider: Provider | null) => {
    setStatuses((current) => current && { ...current, preferredProvider });
  }, []);

  return { statuses, setStatus, setPreferredProvider, loadError, reload };
}
