import type { KeyCheck, ModelListing } from "./provider-api";
import { keyCheckOf, type UpstreamFailure } from "./upstream-failure";

/**
 * Shared by the providers' list-models.ts: a listing answer that is not a list, in a key check's words.
 * A 429 rate limit proves the key genuine to a key check (`valid`), but it brings no list: `unreachable`.
 */
export function listingFailureOf(failure: UpstreamFailure): { failure: Exclude<KeyCheck, "valid"> } {
  const check = keyCheckOf(failure);
  return { failure: check === "valid" ? "unreachable" : check };
}

/** A 200 whose body is not the provider's list shape is no answer about the key's models. */
export const notAList: ModelListing = { failure: "unreachable" };

/** At most this many pages are read (a page is 1,000 models where the API pages): a bound on a runaway list. */
export const maxListPages = 5;

export const stringOr = (value: unknown, otherwise: string): string => (typeof value === "string" && value.trim() ? value : otherwise);
