/** The spinner a page shows while its code or data loads. */
export function Loading() {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" /> Loading…
    </p>
  );
}
