/**
 * Pure: a Firestore document's stored size by Firestore's documented rules
 * (https://firebase.google.com/docs/firestore/storage-size, checked 2026-12): a string is its UTF-8 bytes
 * + 1, a number, timestamp or date 8, a boolean or null 1, a map the sum of its keys (as strings) and
 * values, an array the sum of its values, and a document 32 bytes + its name + its fields.
 */
export function fieldSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === "boolean") return 1;
  if (typeof value === "string") return Buffer.byteLength(value, "utf8") + 1;
  if (typeof value === "number") return 8;
  if (value instanceof Date || typeof (value as { toMillis?: unknown }).toMillis === "function") return 8;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + fieldSize(item), 0);
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>).reduce(
      (sum, [key, field]) => (field === undefined ? sum : sum + Buffer.byteLength(key, "utf8") + 1 + fieldSize(field)),
      0,
    );
  }
  return 8;
}

/** `users/{uid}/practices/{id}`'s name size: each segment's UTF-8 bytes + 1, and 16. */
export function documentSize(path: string, fields: Record<string, unknown>): number {
  const name = path.split("/").reduce((sum, segment) => sum + Buffer.byteLength(segment, "utf8") + 1, 16);
  return 32 + name + fieldSize(fields);
}

/** Firestore's limit on a document, 1 MiB; a practice keeps to half of it. */
export const firestoreDocumentLimit = 1_048_576;
export const practiceSizeBudget = firestoreDocumentLimit / 2;
/** Attempts a practice keeps at most, whatever their size: a list of revisions, not a log. */
export const maxAttemptsKept = 20;

/**
 * The attempts a practice keeps when `latest` is added: the latest always (the worst case of one attempt
 * fits the budget: test/unit/practice-size.test.ts), then the earlier ones newest first while the
 * document stays within the budget. The oldest revisions go first.
 */
export function attemptsToKeep<Attempt>(
  path: string,
  withoutAttempts: Record<string, unknown>,
  earlier: Attempt[],
  latest: Attempt,
  budget = practiceSizeBudget,
): Attempt[] {
  let size = documentSize(path, { ...withoutAttempts, attempts: [latest] });
  const kept = [latest];
  for (const attempt of [...earlier].reverse()) {
    if (kept.length >= maxAttemptsKept) break;
    const next = size + fieldSize(attempt);
    if (next > budget) break;
    size = next;
    kept.unshift(attempt);
  }
  return kept;
}
