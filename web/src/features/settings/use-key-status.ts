import { useCallback, useEffect, useState } from "react";
import { apiKeyStatus, type ApiKeyStatus } from "../../lib/callables";
import { describeError, type ErrorDescription } from "../../lib/error-messages";

/** The signed-in user's key status, fetched when Settings opens, so usage figures are current. */
export function useKeyStatus() {
  const [status, setStatus] = useState<ApiKeyStatus>();
  const [loadError, setLoadError] = useState<ErrorDescription>();

  // Sets state only when the answer comes, so the effect below renders nothing synchronously.
  const load = useCallback(
    () => apiKeyStatus().then(setStatus, (error: unknown) => setLoadError(describeError(error, "manageKey"))),
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

  return { status, setStatus, loadError, reload };
}
