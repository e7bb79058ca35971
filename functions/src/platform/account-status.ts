import type { Auth, UserRecord } from "firebase-admin/auth";
import { auth as adminAuth } from "./admin";
import { accountCheckUnavailable, sessionEnded, type SessionEndCause } from "../errors";
import * as logs from "../logs";

/**
 * Whether the account behind an ID token may still act. firebase-functions' onCall verifies the token
 * without the revocation check (it calls `verifyIdToken(idToken)`, node_modules/firebase-functions/lib/
 * common/providers/https.js), so an account that was deleted, disabled or had its sessions revoked keeps
 * a working token for up to an hour. For the calls that store a key or spend one, this reads the account
 * (`getUser`, one round trip) and applies the rule firebase-admin's own `verifyIdToken(token, true)`
 * applies (base-auth.js, verifyDecodedJWTNotRevokedOrDisabled): disabled → refused; a token signed in
 * before `tokensValidAfterTime` → revoked. No account at all → deleted.
 */

/** Pure: the cause that ends the session of a token signed in at `authTimeSeconds`, or undefined while it holds. */
export function sessionEndCause(user: Pick<UserRecord, "disabled" | "tokensValidAfterTime"> | undefined, authTimeSeconds: number | undefined): SessionEndCause | undefined {
  if (!user) return "deleted";
  if (user.disabled) return "disabled";
  if (user.tokensValidAfterTime && authTimeSeconds !== undefined && authTimeSeconds * 1000 < new Date(user.tokensValidAfterTime).getTime()) return "revoked";
  return undefined;
}

/**
 * Resolves while the account `uid` exists, is enabled and has not had its sessions revoked since
 * `authTimeSeconds` (the token's `auth_time`). Otherwise SESSION_ENDED (`unauthenticated`, the web app
 * asks the user to sign in again). Auth unreachable: KEY_STORE_UNAVAILABLE, nothing done (fails closed).
 */
export async function requireActiveAccount(uid: string, authTimeSeconds: number | undefined, accounts: () => Auth = adminAuth): Promise<void> {
  let user: UserRecord | undefined;
  try {
    user = await accounts().getUser(uid);
  } catch (error) {
    if ((error as { code?: unknown })?.code !== "auth/user-not-found") {
      logs.accountCheckFailed(uid, error);
      throw accountCheckUnavailable();
    }
  }
  const cause = sessionEndCause(user, authTimeSeconds);
  if (!cause) return;
  logs.sessionEnded(uid, cause);
  throw sessionEnded(cause);
}
