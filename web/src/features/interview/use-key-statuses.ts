import { useEffect, useState } from "react";
import { apiKeyStatuses, type ApiKeyStatuses } from "../../lib/callables";

/**
 * The user's keys as Practice needs them (which providers have one, which is preferred), read again each
 * time the page is shown, so a key added or a choice made in Settings counts at once. Undefined until
 * the first answer; null when that first read failed, which blocks nothing (knowing who pays helps, but
 * practice works without).
 */
export function useKeyStatuses(visible: boolean): ApiKeyStatuses | null | undefined {
  const [keys, setKeys] = useState<ApiKeyStatuses | null>();
  useEffect(() => {
    if (!visible) return;
    let current = true;
    apiKeyStatuses().then(
      (loaded) => {
        if (current) setKeys(loaded);
      },
      // What was known stays: the server decides who pays in any case, and a failed call says why.
      () => {
        if (current) setKeys((known) => known ?? null);
      },
    );
    return () => {
      current = false;
    };
  }, [visible]);
  return keys;
}
