import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../dev/stack-config";
import * as serviceAccounts from "../../functions/src/platform/service-accounts";

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
// Commands that fail as a missing permission does (GCLOUD_STUB_FAIL: a comma-separated list of command prefixes).
for (const failing of (process.env.GCLOUD_STUB_FAIL || "").split(",").filter(Boolean)) {
  if (words.startsWith(failing)) { console.error("ERROR: (gcloud) PERMISSION_DENIED: Permission denied on resource (or it may not exist)."); process.exit(1); }
}
// An IAM policy made of the bindings kept as "<scope> <member> <role>" strings.
const policyOf = (scope) => {
  const bindings = [];
  for (const line of state.bindings) {
    if (!line.startsWith(scope + " ")) continue;
    const [member, role] = line.slice(scope.length + 1).split(" ");
    let binding = bindings.find((b) => b.role === role);
    if (!binding) bindings.push((binding = { role, members: [] }));
    binding.members.push(member);
  }
  return { bindings, etag: "BwY" };
};
const addBinding = (scope) => { const b = scope + " " + flag("--member") + " " + flag("--role"); if (!state.bindings.includes(b)) state.bindings.push(b); save(); };
const removeBinding = (scope) => { const b = scope + " " + flag("--member") + " " + flag("--role"); if (!state.bindings.includes(b)) process.exit(1); state.bindings = state.bindings.filter((x) => x !== b); save(); };
state.denyPolicies ??= {};
if (args[0] === "services") process.exit(0);
if (words === "config get-value account") { console.log(process.env.GCLOUD_STUB_ACCOUNT || "deployer@example.com"); process.exit(0); }
if (words.startsWith("iam service-accounts get-iam-policy")) { console.log(JSON.stringify(policyOf("sa:" + args[3]))); process.exit(0); }
if (words.startsWith("iam service-accounts add-iam-policy-binding")) { addBinding("sa:" + args[3]); process.exit(0); }
if (words.startsWith("iam service-accounts remove-iam-policy-binding")) { removeBinding("sa:" + args[3]); process.exit(0); }
if (words.startsWith("kms keys get-iam-policy")) { console.log(JSON.stringify(policyOf("key"))); process.exit(0); }
if (words.startsWith("kms keyrings get-iam-policy")) { console.log(JSON.stringify(policyOf("keyring"))); process.exit(0); }
if (words.startsWith("iam policies")) {
  const id = flag("--attachment-point") + "/" + flag("--kind") + "/" + args[3];
  const current = state.denyPolicies[id];
  if (args[2] === "describe") {
    if (!current) { console.error("ERROR: (gcloud.iam.policies.describe) NOT_FOUND: Policy not found."); process.exit(1); }
    console.log(JSON.stringify(current));
  } else if (args[2] === "create") {
    if (current) process.exit(1);
    state.denyPolicies[id] = { ...JSON.parse(fs.readFileSync(flag("--policy-file"), "utf8")), etag: "e1" };
    save();
  } else if (args[2] === "update") {
    const next = JSON.parse(fs.readFileSync(flag("--policy-file"), "utf8"));
    if (!current || next.etag !== current.etag) { console.error("ERROR: ABORTED: etag mismatch"); process.exit(1); }
    state.denyPolicies[id] = { ...next, etag: current.etag + "1" };
    save();
  } else process.exit(3);
  process.exit(0);
}
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

interface DenyPolicy {
  etag?: string;
  rules: { denyRule: { deniedPrincipals: string[]; exceptionPrincipals: string[]; deniedPermissions: string[] } }[];
}

describe("deploy/provision.sh (least-privilege KMS setup)", () => {
  let dir: string;
  const run = (extraArgs: string[] = [], env: Record<string, string> = {}) =>
    spawnSync("bash", [join(repoRoot, "deploy", "provision.sh"), project, ...extraArgs], {
      encoding: "utf8",
      env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, GCLOUD_STUB_STATE: join(dir, "state.json"), GCLOUD_STUB_LOG: join(dir, "calls.log"), ...env },
    });
  const state = () => JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as {
    resources: string[];
    rotation?: string;
    bindings: string[];
    policy: { bindings?: { role: string; members: string[] }[]; auditConfigs?: { service: string; auditLogConfigs: { logType: string }[] }[] };
    denyPolicies?: Record<string, DenyPolicy>;
  };
  const seed = (bindings: string[], projectBindings: { role: string; members: string[] }[] = []) =>
    writeFileSync(join(dir, "state.json"), JSON.stringify({ resources: [], bindings, policy: { bindings: projectBindings, etag: "BwX" } }));
  const actAsGrantsOn = (account: string) =>
    state()
      .bindings.filter((binding) => binding.startsWith(`sa:${email(account)} `))
      .map((binding) => binding.split(" ").slice(1).join(" "));
  const calls = () => readFileSync(join(dir, "calls.log"), "utf8").trim().split("\n").map((line) => JSON.parse(line) as string[]);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "provision-"));
    writeFileSync(join(dir, "gcloud"), fakeGcloud);
    chmodSync(join(dir, "gcloud"), 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("creates the key ring, a rotating key and the functions' own service accounts, each granted only its part of KMS", function () {
    this.timeout(240_000); // each run starts node ~50 times (the stand-in gcloud): slow on a busy machine
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
    assert.equal(bindings.length, accounts.length + 4 + 5 + 3 + accounts.length, "no other grant");
    for (const account of accounts) assert.deepEqual(actAsGrantsOn(account), ["user:deployer@example.com roles/iam.serviceAccountUser"]);

    const kmsAudit = policy.auditConfigs?.find((config) => config.service === "cloudkms.googleapis.com");
    assert.deepEqual(kmsAudit?.auditLogConfigs.map((c) => c.logType).sort(), ["ADMIN_READ", "DATA_READ", "DATA_WRITE"]);
    assert.match(result.stdout, new RegExp(`KMS_KEY_NAME=projects/${project}/locations/global/keyRings/interview-ai/cryptoKeys/api-keys`));
  });

  it("is idempotent: a second run creates nothing and leaves the IAM policy alone", function () {
    this.timeout(240_000); // each run starts node ~50 times (the stand-in gcloud): slow on a busy machine
    const once = run();
    assert.equal(once.status, 0, once.stderr + once.stdout);
    const first = state();
    const callsBefore = calls().length;

    const again = run();
    assert.equal(again.status, 0, again.stderr + again.stdout);
    assert.deepEqual(state(), first);
    const secondRun = calls().slice(callsBefore).map((args) => args.join(" "));
    assert.deepEqual(secondRun.filter((call) => / create | set-iam-policy /.test(` ${call} `)), [], "nothing created or overwritten");
    assert.deepEqual(secondRun.filter((call) => /service-accounts (add|remove)-iam-policy-binding|remove-iam-policy-binding/.test(call)), [], "no grant changed");
    assert.match(again.stdout, /already on/);
    assert.match(again.stdout, /already the only one/);
  });

  it("lets only the deployer act as the function accounts: grants it roles/iam.serviceAccountUser on each and removes every other actAs or token grant on them", function () {
    this.timeout(240_000); // each run starts node ~50 times (the stand-in gcloud): slow on a busy machine
    const reader = email(serviceAccounts.keyReaderServiceAccount);
    const rewrap = email(serviceAccounts.keyRewrapServiceAccount);
    seed([
      `sa:${reader} user:intruder@example.com roles/iam.serviceAccountUser`,
      `sa:${reader} group:devs@example.com roles/iam.serviceAccountTokenCreator`,
      `sa:${rewrap} serviceAccount:123456-compute@developer.gserviceaccount.com roles/iam.serviceAccountUser`,
      `sa:${rewrap} user:viewer@example.com roles/iam.serviceAccountViewer`,
    ]);
    const result = run(["--deployer", "serviceAccount:ci@ci-project.iam.gserviceaccount.com"]);
    assert.equal(result.status, 0, result.stderr + result.stdout);
    for (const account of Object.values(serviceAccounts)) {
      const grants = actAsGrantsOn(account).filter((grant) => !grant.endsWith(" roles/iam.serviceAccountViewer"));
      assert.deepEqual(grants, ["serviceAccount:ci@ci-project.iam.gserviceaccount.com roles/iam.serviceAccountUser"], account);
    }
    assert.deepEqual(actAsGrantsOn(serviceAccounts.keyRewrapServiceAccount).filter((grant) => grant.endsWith(" roles/iam.serviceAccountViewer")), [
      "user:viewer@example.com roles/iam.serviceAccountViewer",
    ], "a role that cannot act as the account is left alone");
    assert.match(result.stdout, /interview-ai-key-reader: removed roles\/iam.serviceAccountTokenCreator from group:devs@example.com/);

    assert.notEqual(run(["--deployer", "alice@example.com"]).status, 0, "a deployer that is not an IAM member is refused");
  });

  it("fails loudly when it cannot read or revoke the key's grants, instead of reporting nothing to revoke", function () {
    this.timeout(240_000); // each run starts node ~50 times (the stand-in gcloud): slow on a busy machine
    seed(["key serviceAccount:123456-compute@developer.gserviceaccount.com roles/cloudkms.cryptoKeyEncrypterDecrypter"]);
    const result = run([], { GCLOUD_STUB_FAIL: "kms keys get-iam-policy,kms keys remove-iam-policy-binding" });
    assert.notEqual(result.status, 0, result.stdout);
    assert.match(result.stderr, /PERMISSION_DENIED/);
    assert.doesNotMatch(result.stdout, /none to revoke|Done\./);
    assert.ok(state().bindings.some((binding) => binding.includes("compute@developer")), "the grant is still there, and the operator was told");
  });

  it("reports KMS grants on the key ring and the project, extra grants on the key, and project roles that can act as every account, without changing them", function () {
    this.timeout(240_000); // each run starts node ~50 times (the stand-in gcloud): slow on a busy machine
    seed(
      ["keyring user:old-admin@example.com roles/cloudkms.cryptoKeyDecrypter", "key user:bob@example.com roles/cloudkms.cryptoKeyDecrypter"],
      [
        { role: "roles/cloudkms.cryptoKeyEncrypterDecrypter", members: ["group:ops@example.com"] },
        { role: "roles/editor", members: ["serviceAccount:123456-compute@developer.gserviceaccount.com"] },
        { role: "roles/iam.serviceAccountUser", members: ["user:carol@example.com"] },
      ],
    );
    const result = run();
    assert.equal(result.status, 0, result.stderr + result.stdout);
    const warnings = result.stdout.split("\n").filter((line) => line.startsWith("WARNING: "));
    assert.deepEqual(warnings.sort(), [
      "WARNING: on the key api-keys: roles/cloudkms.cryptoKeyDecrypter for user:bob@example.com",
      "WARNING: on the key ring interview-ai: roles/cloudkms.cryptoKeyDecrypter for user:old-admin@example.com",
      "WARNING: on the project: roles/cloudkms.cryptoKeyEncrypterDecrypter for group:ops@example.com",
      "WARNING: on the project: roles/editor for serviceAccount:123456-compute@developer.gserviceaccount.com can act as every service account, key-reader included",
      "WARNING: on the project: roles/iam.serviceAccountUser for user:carol@example.com can act as every service account, key-reader included",
    ]);
    assert.match(result.stdout, /5 warning\(s\) above/);
    assert.ok(state().bindings.includes("keyring user:old-admin@example.com roles/cloudkms.cryptoKeyDecrypter"), "reported, not changed");
  });

  it("--deny-decrypt: a deny policy on the project lets no principal but key-reader and key-rewrap decrypt; idempotent, and it repairs a changed policy", function () {
    this.timeout(480_000); // four runs of the script
    const id = "cloudresourcemanager.googleapis.com/projects/123456/denypolicies/interview-ai-decrypt";
    const first = run(["--deny-decrypt"]);
    assert.equal(first.status, 0, first.stderr + first.stdout);
    assert.match(first.stdout, /created/);
    const expectedRule = {
      deniedPrincipals: ["principalSet://goog/public:all"],
      exceptionPrincipals: [serviceAccounts.keyReaderServiceAccount, serviceAccounts.keyRewrapServiceAccount].map(
        (account) => `principal://iam.googleapis.com/projects/-/serviceAccounts/${email(account)}`,
      ),
      deniedPermissions: ["cloudkms.googleapis.com/cryptoKeyVersions.useToDecrypt"],
    };
    assert.deepEqual(state().denyPolicies?.[id]?.rules.map((rule) => rule.denyRule), [expectedRule]);

    const callsBefore = calls().length;
    const again = run(["--deny-decrypt"]);
    assert.equal(again.status, 0, again.stderr + again.stdout);
    assert.match(again.stdout, /already in place/);
    assert.deepEqual(calls().slice(callsBefore).filter((args) => args[1] === "policies" && args[2] !== "describe"), []);

    // Someone widened the exceptions: the next run puts the policy back.
    const widened = state();
    widened.denyPolicies![id].rules[0].denyRule.exceptionPrincipals.push("principal://goog/subject/intruder@example.com");
    writeFileSync(join(dir, "state.json"), JSON.stringify(widened));
    const repaired = run(["--deny-decrypt"]);
    assert.equal(repaired.status, 0, repaired.stderr + repaired.stdout);
    assert.match(repaired.stdout, /updated/);
    assert.deepEqual(state().denyPolicies?.[id]?.rules.map((rule) => rule.denyRule), [expectedRule]);

    const refused = run(["--deny-decrypt"], { GCLOUD_STUB_FAIL: "iam policies describe" });
    assert.notEqual(refused.status, 0, "a describe that fails for another reason than NOT_FOUND stops the script");
  });
});
