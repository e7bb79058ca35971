import assert from "node:assert/strict";
import { crc32c } from "../../functions/src/vault/crc32c";

describe("crc32c", () => {
  it("matches the Castagnoli check values", () => {
    assert.equal(crc32c(Buffer.from("123456789")), 0xe3069283);
    assert.equal(crc32c(Buffer.alloc(32)), 0x8a9136aa);
    assert.equal(crc32c(Buffer.alloc(0)), 0);
  });
});
