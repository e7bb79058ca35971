/**
 * `load`, run on the first call only: later calls get the same promise, with no import or require per
 * call. A failed load is tried again by the next call.
 */
export function loadedOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () =>
    (loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    }));
}
