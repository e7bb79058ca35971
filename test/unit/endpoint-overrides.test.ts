import assert from "node:assert/strict";
import { geminiApiBaseUrl, kmsEmulatorHost, runsOnEmulator } from "../../functions/src/config";
import { AppError } from "../../functions/src/errors";

/** The emulator-only endpoint overrides, with the environment given explicitly (as a deployed function would see it). */
describe("endpoint overrides outside the emulator", () => {
  const deployed = {};
  const emulator = { FUNCTIONS_EMULATOR: "true" };
  const reasonOf = (work: () => unknown) => {
    try {
      work();
      return "taken";
    } catch (error) {
      return error instanceof AppError ? error.reason : `unexpected ${String(error)}`;
    }
  };

  it("knows the emulator by FUNCTIONS_EMULATOR=true only", () => {
    assert.equal(runsOnEmulator(emulator), true);
    assert.equal(runsOnEmulator(deployed), false);
    assert.equal(runsOnEmulator({ FUNCTIONS_EMULATOR: "1" }), false);
  });

  it("takes Google's endpoint, or any https one, everywhere", () => {
    assert.equal(geminiApiBaseUrl(deployed), "https://generativelanguage.googleapis.com");
    assert.equal(geminiApiBaseUrl({ GEMINI_API_BASE_URL: "https://gateway.example.com/" }), "https://gateway.example.com");
  });

  it("refuses a plaintext or malformed GEMINI_API_BASE_URL outside the emulator (AI_UNAVAILABLE), takes it on the emulator", () => {
    for (const url of ["http://127.0.0.1:9012", "http://generativelanguage.googleapis.com", "generativelanguage.googleapis.com", "ftp://x"]) {
      assert.equal(reasonOf(() => geminiApiBaseUrl({ GEMINI_API_BASE_URL: url })), "AI_UNAVAILABLE", url);
    }
    assert.equal(geminiApiBaseUrl({ ...emulator, GEMINI_API_BASE_URL: "http://127.0.0.1:9012" }), "http://127.0.0.1:9012");
  });

  it("refuses KMS_EMULATOR_HOST outside the emulator (KEY_STORE_UNAVAILABLE), takes it on the emulator", () => {
    assert.equal(kmsEmulatorHost(deployed), undefined);
    assert.equal(reasonOf(() => kmsEmulatorHost({ KMS_EMULATOR_HOST: "127.0.0.1:9011" })), "KEY_STORE_UNAVAILABLE");
    assert.equal(kmsEmulatorHost({ ...emulator, KMS_EMULATOR_HOST: "127.0.0.1:9011" }), "127.0.0.1:9011");
  });
});
