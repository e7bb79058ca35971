import { providerInfo } from "../../../../functions/src/providers";
import type { KeyActivityEvent, Provider } from "../../lib/callables";

/**
 * One event of `provider`'s key as a sentence for "Recent activity". Pure, so every event the server can
 * record has a wording checked by the type system; an outcome this version does not know still reads sensibly.
 */
export function describeActivity(event: KeyActivityEvent, provider: Provider): string {
  const { label, company } = providerInfo[provider];
  switch (event.event) {
    case "set":
      switch (event.outcome) {
        case "stored":
          return "Key saved";
        case "replaced":
          return "Key replaced with a new one";
        case "rejected_format":
          return `A key was not saved: it did not look like ${articleFor(label)} ${label} key`;
        case "rejected_by_provider":
          return `A key was not saved: ${company} rejected it`;
        case "not_permitted":
          return "A key was not saved: it lacks a permission Interview AI needs";
        case "model_unavailable":
          return "A key was not saved: it cannot use Interview AI's model";
        case "provider_unreachable":
          return `A key was not saved: ${company} could not check it`;
        case "store_failed":
          return "A key was not saved: the key store was unavailable";
      }
      break;
    case "verify":
      switch (event.outcome) {
        case "valid":
          return `Checked with ${company}: the key works`;
        case "rejected_by_provider":
          return `Checked with ${company}: the key was rejected`;
        case "quota_exhausted":
          return `Checked with ${company}: the key is out of quota`;
        case "not_permitted":
          return `Checked with ${company}: the key lacks a permission Interview AI needs`;
        case "model_unavailable":
          return "Check not possible: the model is unavailable to the key";
        case "provider_unreachable":
          return `Check not possible: ${company} could not be reached`;
      }
      break;
    case "use":
      return event.outcome === "quota_exhausted" ? "Used: the key was out of quota" : `Used: ${company} rejected the key`;
    case "state_change":
      switch (event.outcome) {
        case "active":
          return "The key works again";
        case "unreadable":
          return "The saved key could no longer be read";
        case "invalid":
          return "The key was marked invalid";
        case "quota_exhausted":
          return "The key was marked out of quota";
        case "unverified":
          return "The key was marked not verified";
      }
      break;
    case "rewrap":
      if (event.outcome === "recovered") return "Readable again: re-encrypted with the key store's current key";
      return event.outcome === "rewrapped" ? "Re-encrypted with the key store's current key" : "Found unreadable while re-encrypting";
    case "expire":
      return "Deleted: the key reached the expiry you chose";
    case "remove":
      return event.outcome === "absent" ? "Remove requested: no key was saved" : "Key removed";
  }
  return "Key event";
}

const articleFor = (word: string) => (/^[AEIOU]/.test(word) ? "an" : "a");
