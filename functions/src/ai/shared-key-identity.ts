import { createHmac } from "node:crypto";

/**
 * Who a shared-key call is counted for. The per-user daily cap on the app's shared key was counted per
 * uid, and a uid does not survive its account: deleting the account and signing up again with the same
 * address gave a fresh cap each time. So the cap is counted per verified email address instead, which
 * the next account with that address has again. The address is not stored: the counter's id is an HMAC
 * of it under a secret (SHARED_KEY_IDENTITY_SECRET), so the id says nothing without the secret, and a
 * dump of Firestore cannot be turned back into addresses by hashing guesses.
 */

/**
 * Pure: the form of an address under which its variants count as one: lower case, and without a
 * "+tag" (most providers deliver "name+tag@" to "name@", so tags would be free identities); for Gmail,
 * whose addresses ignore dots and which also answers at googlemail.com, without dots and at gmail.com.
 */
export function normalizedEmail(email: string): string {
  const trimmed = email.trim().toLowerCase();
  const at = trimmed.lastIndexOf("@");
  if (at <= 0) return trimmed;
  let local = trimmed.slice(0, at).split("+")[0];
  let domain = trimmed.slice(at + 1);
  if (domain === "googlemail.com") domain = "gmail.com";
  if (domain === "gmail.com") local = local.replaceAll(".", "");
  return `${local}@${domain}`;
}

/** Pure: the counter id for a verified address: "email-" and HMAC-SHA256(secret, normalized address) in hex. */
export function sharedKeyIdentity(email: string, secret: string): string {
  return `email-${createHmac("sha256", secret).update(normalizedEmail(email)).digest("hex")}`;
}
