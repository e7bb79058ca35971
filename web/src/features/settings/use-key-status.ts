import { useCallback, useEffect, useState } from "react";
import { apiKeyStatus, type ApiKeyStatus } from "../../lib/callables";
import { describeError, type ErrorDescription } from "../../lib/error-messages";

/** The signed-in user's key status, fetched when Settings opens, so usage figures are current. */
export function useKeyStatus() {
  const [status, setStatus] = useState<ApiKeyStatus>();
  const [loadError, setLoadError] = useState<ErrorDescription>();

  const reload = useCallback(async () => {
    setLoadError(undefined);
    try {
      setStatus(await apiKeyStatus());
    } catch (error) {
      setLoadError(describeError(error, "manageKey"));
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { status, setStatus, loadError, reload };
}
