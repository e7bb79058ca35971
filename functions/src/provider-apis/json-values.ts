/** A JSON object as an API's body holds one (not null, not an array): the shape every body check here starts from. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
