import assert from "node:assert/strict";
import { geminiApiBaseUrl, kmsEmulatorHost, providerApiBaseUrl, providerEndpoints, runsOnEmulator } from "../../functions/src/config";
import { AppError } from "../../functions/src/errors";
import { providers } from "../../functions/src/providers";

/** The emulator-only endpoint overrides, with the environment given explicitly (as a deployed function would see it). */
describe("endpoint overrides outside the emulator", () => {
  // What the Functions emulator gives every function (firebase-tools functionsEmulator.ts getRuntimeEnvs).
  const emulator = { FUNCTIONS_EMULATOR: "true", FIREBASE_EMULATOR_HUB: "127.0.0.1:4400", K_SERVICE: "apiKeyStatus", K_REVISION: "1" };
  // What Cloud Run gives a deployed function (container contract), plus what a functions/.env could add.
  const deployed = { K_SERVICE: "apikeystatus", K_REVISION: "apikeystatus-00001-abc", K_CONFIGURATION: "apikeystatus" };
  const deployedClaimingEmulator = { ...deployed, FUNCTIONS_EMULATOR: "true" };
  const reasonOf = (work: () => unknown) => {
    try {
      work();
      return "taken";
    } catch (error) {
      return error instanceof AppError ? error.reason : `unexpected ${String(error)}`;
    }
  };

  it("knows the emulator by FUNCTIONS_EMULATOR, a loopback emulator hub and no Cloud Run configuration, not by FUNCTIONS_EMULATOR alone", () => {
    assert.equal(runsOnEmulator(emulator), true);
    assert.equal(runsOnEmulator({ ...emulator, FIREBASE_EMULATOR_HUB: "[::1]:4400" }), true);
    assert.equal(runsOnEmulator(deployed), false);
    assert.equal(runsOnEmulator(deployedClaimingEmulator), false, "a deployed .env setting FUNCTIONS_EMULATOR");
    assert.equal(runsOnEmulator({ FUNCTIONS_EMULATOR: "true" }), false, "no hub");
    assert.equal(runsOnEmulator({ ...emulator, K_CONFIGURATION: "apikeystatus" }), false, "on Cloud Run");
    assert.equal(runsOnEmulator({ ...emulator, FIREBASE_EMULATOR_HUB: "hub.example.com:4400" }), false, "a hub elsewhere");
    assert.equal(runsOnEmulator({ ...emulator, FIREBASE_EMULATOR_HUB: "127.0.0.1.example.com:4400" }), false);
    assert.equal(runsOnEmulator({ ...emulator, FUNCTIONS_EMULATOR: "1" }), false);
  });

  it("takes each provider's official origin outside the emulator, with or without its variable naming it", () => {
    for (const provider of providers) {
      const { variable, url } = providerEndpoints[provider];
      assert.match(url, /^https:\/\/[a-z.]+$/);
      assert.equal(providerApiBaseUrl(provider, deployed), url);
      assert.equal(providerApiBaseUrl(provider, { ...deployed, [variable]: `${url}/` }), url);
    }
  });

  it("refuses any other origin outside the emulator (AI_UNAVAILABLE), https included, even when FUNCTIONS_EMULATOR is claimed", () => {
    for (const provider of providers) {
      const { variable, url } = providerEndpoints[provider];
      for (const other of ["https://gateway.example.com", `${url}.example.com`, `${url}/v1`, url.replace("https:", "http:"), "http://127.0.0.1:9012", "not a url"]) {
        for (const env of [deployed, deployedClaimingEmulator, {}]) {
          assert.equal(reasonOf(() => providerApiBaseUrl(provider, { ...env, [variable]: other })), "AI_UNAVAILABLE", `${provider} ${other}`);
        }
      }
    }
  });

  it("takes a stand-in's URL on the emulator", () => {
    assert.equal(geminiApiBaseUrl({ ...emulator, GEMINI_API_BASE_URL: "http://127.0.0.1:9012" }), "http://127.0.0.1:9012");
    assert.equal(providerApiBaseUrl("anthropic", { ...emulator, ANTHROPIC_API_BASE_URL: "http://127.0.0.1:9014/" }), "http://127.0.0.1:9014");
  });

  it("takes KMS_EMULATOR_HOST only on the emulator and only at a loopback address (else KEY_STORE_UNAVAILABLE)", () => {
    assert.equal(kmsEmulatorHost(deployed), undefined);
    assert.equal(kmsEmulatorHost({ ...emulator, KMS_EMULATOR_HOST: "127.0.0.1:9011" }), "127.0.0.1:9011");
    assert.equal(kmsEmulatorHost({ ...emulator, KMS_EMULATOR_HOST: "localhost:9011" }), "localhost:9011");
    for (const env of [deployed, deployedClaimingEmulator, {}]) {
      assert.equal(reasonOf(() => kmsEmulatorHost({ ...env, KMS_EMULATOR_HOST: "127.0.0.1:9011" })), "KEY_STORE_UNAVAILABLE");
    }
    for (const host of ["kms.example.com:443", "10.0.0.5:9011", "0.0.0.0:9011"]) {
      assert.equal(reasonOf(() => kmsEmulatorHost({ ...emulator, KMS_EMULATOR_HOST: host })), "KEY_STORE_UNAVAILABLE", host);
    }
  });
});
