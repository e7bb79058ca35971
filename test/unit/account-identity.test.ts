import assert from "node:assert/strict";
import { sessionEndCause } from "../../functions/src/platform/account-status";
import { normalizedEmail, sharedKeyIdentity } from "../../functions/src/ai/shared-key-identity";

describe("shared-key identity (pure)", () => {
  it("counts an address's variants as one: case, +tags, and Gmail's dots and googlemail.com", () => {
    assert.equal(normalizedEmail(" Ada.Lovelace+practice@Example.COM "), "ada.lovelace@example.com");
    assert.equal(normalizedEmail("a.d.a+x@googlemail.com"), "ada@gmail.com");
    assert.equal(normalizedEmail("ada@gmail.com"), "ada@gmail.com");
    assert.notEqual(normalizedEmail("ada@example.com"), normalizedEmail("ada@example.org"));
  });

  it("is an HMAC of the normalized address under the secret: stable, secret-dependent, and free of the address", () => {
    const identity = sharedKeyIdentity("Ada+x@Example.com", "secret-1");
    assert.equal(identity, sharedKeyIdentity("ada@example.com", "secret-1"));
    assert.notEqual(identity, sharedKeyIdentity("ada@example.com", "secret-2"));
    assert.match(identity, /^email-[0-9a-f]{64}$/);
    assert.ok(!identity.includes("ada"));
  });
});

describe("session end (pure, firebase-admin's verifyIdToken(token, true) rule)", () => {
  const signedInAt = Date.UTC(2031, 0, 1, 12) / 1000;
  it("says deleted, disabled or revoked, and nothing for a live session", () => {
    assert.equal(sessionEndCause(undefined, signedInAt), "deleted");
    assert.equal(sessionEndCause({ disabled: true, tokensValidAfterTime: undefined }, signedInAt), "disabled");
    assert.equal(sessionEndCause({ disabled: false, tokensValidAfterTime: new Date((signedInAt + 1) * 1000).toUTCString() }, signedInAt), "revoked");
    assert.equal(sessionEndCause({ disabled: false, tokensValidAfterTime: new Date(signedInAt * 1000).toUTCString() }, signedInAt), undefined);
    assert.equal(sessionEndCause({ disabled: false, tokensValidAfterTime: undefined }, signedInAt), undefined);
  });
});
