import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../dev/stack-config";
import * as serviceAccounts from "../../functions/src/service-accounts";

/**
 * deploy/provision.sh against a stand-in `gcloud` that keeps the project's state in a file: what it
 * creates, which roles it grants to whom, that the accounts are the ones the functions run as, and that
 * a second run changes nothing.
 */

const project = "demo-provision";
const email = (account: string) => `${account}${project}.iam.gserviceaccount.com`;

/** A gcloud that knows the handful of commands the script uses, and logs every call. */
const fakeGcloud = String.raw`#!/usr/bin/env node
const fs = require("node:fs");
const args = process.argv.slice(2);
const stateFile = process.env.GCLOUD_STUB_STATE;
const state = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, "utf8")) : { resources: [], bindings: [], policy: { bindings: [], etag: "BwX" } };
fs.appendFileSync(process.env.GCLOUD_STUB_LOG, JSON.stringify(args) + "\n");
const flag = (name) => args[args.indexOf(name) + 1];
const save = () => fs.writeFileSync(stateFile, JSON.stringify(state));
const has = (id) => state.resources.includes(id);
const create = (id) => { if (has(id)) process.exit(1); state.resources.push(id); save(); };
const words = args.filter((a) => !a.startsWith("--")).slice(0, 3).join(" ");
if (args[0] === "services") process.exit(0);
if (words.startsWith("kms keyrings describe")) process.exit(has("keyring:" + args[3]) ? 0 : 1);
if (words.startsWith("kms keyrings create")) create("keyring:" + args[3]);
else if (words.startsWith("kms keys describe")) process.exit(has("key:" + args[3]) ? 0 : 1);
else if (words.startsWith("kms keys create")) { state.rotation = flag("--rotation-period"); create("key:" + args[3]); }
else if (words.startsWith("iam service-accounts describe")) process.exit(has("sa:" + args[3]) ? 0 : 1);
else if (words.startsWith("iam service-accounts create")) create("sa:" + args[3] + "@" + flag("--project") + ".iam.gserviceaccount.com");
else if (words.startsWith("projects describe")) console.log("123456");
else if (words.startsWith("projects add-iam-policy-binding") || words.startsWith("kms keys add-iam-policy-binding")) {
  const binding = (args[0] === "kms" ? "key " : "project ") + flag("--member") + " " + flag("--role");
  if (!state.bindings.includes(binding)) state.bindings.push(binding);
  save();
} else if (words.startsWith("kms keys remove-iam-policy-binding")) {
  const binding = "key " + flag("--member") + " " + flag("--role");
  if (!state.bindings.includes(binding)) process.exit(1);
  state.bindings = state.bindings.filter((b) => b !== binding);
  save();
} else if (words.startsWith("projects get-iam-policy")) console.log(JSON.stringify(state.policy));
else if (words.startsWith("projects set-iam-policy")) { state.policy = JSON.parse(fs.readFileSync(args[3], "utf8")); save(); }
else { console.error("fake gcloud: unexpected command " + args.join(" ")); process.exit(3); }
`;

describe("deploy/provision.sh (least-privilege KMS setup)", () => {
  let dir: string;
  const run = () =>
    spawnSync("bash", [join(repoRoot, "deploy", "provision.sh"), project], {
      encoding: "utf8",
      env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, GCLOUD_STUB_STATE: join(dir, "state.json"), GCLOUD_STUB_LOG: join(dir, "calls.log") },
    });
  const state = () => JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as {
    resources: string[];
    rotation?: string;
    bindings: string[];
    policy: { auditConfigs?: { service: string; auditLogConfigs: { logType: string }[] }[] };
  };
  const calls = () => readFileSync(join(dir, "calls.log"), "utf8").trim().split("\n").map((line) => JSON.parse(line) as string[]);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "provision-"));
    writeFileSync(join(dir, "gcloud"), fakeGcloud);
    chmodSync(join(dir, "gcloud"), 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("creates the key ring, a rotating key and the functions' own service accounts, each granted only its part of KMS", function () {
    this.timeout(30_000);
    // The project had followed the old guide: the shared default compute account could use the key.
    writeFileSync(
      join(dir, "state.json"),
      JSON.stringify({
        resources: [],
        bindings: ["key serviceAccount:123456-compute@developer.gserviceaccount.com roles/cloudkms.cryptoKeyEncrypterDecrypter"],
        policy: { bindings: [], etag: "BwX" },
      }),
    );
    const result = run();
    assert.equal(result.status, 0, result.stderr + result.stdout);

    const { resources, bindings, policy, rotation } = state();
    assert.deepEqual(resources.filter((r) => !r.startsWith("sa:")).sort(), ["key:api-keys", "keyring:interview-ai"]);
    assert.equal(rotation, "90d");
    const accounts = Object.values(serviceAccounts);
    assert.deepEqual(resources.filter((r) => r.startsWith("sa:")).sort(), accounts.map((account) => `sa:${email(account)}`).sort(), "exactly the accounts the functions run as");

    const kmsRolesOf = (account: string) =>
      bindings
        .filter((binding) => binding.startsWith(`key serviceAccount:${email(account)} `))
        .map((binding) => binding.split(" ")[2])
        .sort();
    assert.deepEqual(kmsRolesOf(serviceAccounts.keyWriterServiceAccount), ["roles/cloudkms.cryptoKeyEncrypter"]);
    assert.deepEqual(kmsRolesOf(serviceAccounts.keyReaderServiceAccount), ["roles/cloudkms.cryptoKeyDecrypter"]);
    assert.deepEqual(kmsRolesOf(serviceAccounts.keyRewrapServiceAccount), ["roles/cloudkms.cryptoKeyEncrypterDecrypter", "roles/cloudkms.viewer"]);
    assert.deepEqual(kmsRolesOf(serviceAccounts.keyRecordsServiceAccount), []);
    for (const account of accounts) assert.ok(bindings.includes(`project serviceAccount:${email(account)} roles/datastore.user`));
    assert.ok(!bindings.some((binding) => binding.includes("compute@developer")), "the shared compute account's grant is revoked");
    const projectRolesOf = (account: string) =>
      bindings
        .filter((binding) => binding.startsWith(`project serviceAccount:${email(account)} `) && !binding.endsWith(" roles/datastore.user"))
        .map((binding) => binding.split(" ")[2])
        .sort();
    // Replay protection verifies App Check tokens (setApiKey, the AI callables); the AI callables export Genkit Monitoring telemetry.
    assert.deepEqual(projectRolesOf(serviceAccounts.keyWriterServiceAccount), ["roles/firebaseappcheck.tokenVerifier", "roles/firebaseauth.viewer"]);
    assert.deepEqual(projectRolesOf(serviceAccounts.keyReaderServiceAccount), [
      "roles/cloudtrace.agent",
      "roles/firebaseappcheck.tokenVerifier",
      "roles/firebaseauth.viewer",
      "roles/logging.logWriter",
      "roles/monitoring.metricWriter",
    ]);
    assert.deepEqual(projectRolesOf(serviceAccounts.keyRewrapServiceAccount), []);
    assert.deepEqual(projectRolesOf(serviceAccounts.keyRecordsServiceAccount), ["roles/firebaseauth.viewer"]);
    assert.equal(bindings.length, accounts.length + 4 + 5 + 3, "no other grant");

    const kmsAudit = policy.auditConfigs?.find((config) => config.service === "cloudkms.googleapis.com");
    assert.deepEqual(kmsAudit?.auditLogConfigs.map((c) => c.logType).sort(), ["ADMIN_READ", "DATA_READ", "DATA_WRITE"]);
    assert.match(result.stdout, new RegExp(`KMS_KEY_NAME=projects/${project}/locations/global/keyRings/interview-ai/cryptoKeys/api-keys`));
  });

  it("is idempotent: a second run creates nothing and leaves the IAM policy alone", function () {
    this.timeout(30_000);
    const once = run();
    assert.equal(once.status, 0, once.stderr + once.stdout);
    const first = state();
    const callsBefore = calls().length;

    const again = run();
    assert.equal(again.status, 0, again.stderr + again.stdout);
    assert.deepEqual(state(), first);
    const secondRun = calls().slice(callsBefore).map((args) => args.join(" "));
    assert.deepEqual(secondRun.filter((call) => / create | set-iam-policy /.test(` ${call} `)), [], "nothing created or overwritten");
    assert.match(again.stdout, /already on/);
  });
});
