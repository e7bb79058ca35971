#!/usr/bin/env bash
# Provisions what Interview AI's key vault needs in a Google Cloud project, with least privilege:
#   - the Cloud KMS key ring and key that wrap every data key (rotated every 90 days);
#   - one service account per kind of function (functions/src/platform/service-accounts.ts names them), each
#     allowed exactly its part of KMS: key-writer encrypts, key-reader decrypts, key-rewrap does both
#     and reads which version is primary, key-records has no KMS role at all; all use Firestore; writer and
#     reader verify App Check tokens (replay protection), and reader writes Genkit Monitoring telemetry;
#   - Cloud KMS data-access audit logs (every encrypt and decrypt is logged with the caller's identity);
#   - who may act as those accounts: roles/iam.serviceAccountUser on each, for the deployer only; every
#     other grant on an account that lets a principal act as it or mint its tokens is removed;
#   - it revokes the encrypt/decrypt grant an earlier version of the deploy guide gave the default
#     compute service account, which every workload in the project shares, failing loudly if it cannot;
#   - it reports what it must not change by itself: KMS grants on the key ring or the project (which reach
#     this key), grants on the key beyond its own, and project-level roles that can act as every account;
#   - with --deny-decrypt, an IAM deny policy on the project: no principal but key-reader and key-rewrap
#     may use a key version to decrypt, whatever allow grant a mistake adds (docs/iam.md).
# Idempotent: every resource is created only if missing, and IAM bindings are added (or removed) as a set,
# so running it again changes nothing.
#
# Usage: deploy/provision.sh PROJECT_ID [--location LOCATION] [--keyring NAME] [--key NAME]
#          [--deployer MEMBER] [--deny-decrypt]
#   --deployer: who runs `firebase deploy`, as an IAM member (user:…, group:…, serviceAccount:…); default
#   the account gcloud is signed in with. --deny-decrypt also needs Deny Admin (roles/iam.denyAdmin).
# Needs: gcloud (signed in as a project Owner, or with KMS Admin, Service Account Admin and Project IAM
# Admin), and node (to read and edit IAM policy JSON).
set -euo pipefail

usage() {
  echo "Usage: $0 PROJECT_ID [--location LOCATION] [--keyring NAME] [--key NAME] [--deployer MEMBER] [--deny-decrypt]" >&2
  exit 2
}

[ $# -ge 1 ] || usage
project="$1"
shift
location="global"
keyring="interview-ai"
key="api-keys"
deployer=""
deny_decrypt="no"
while [ $# -gt 0 ]; do
  case "$1" in
    --location) location="$2"; shift 2 ;;
    --keyring) keyring="$2"; shift 2 ;;
    --key) key="$2"; shift 2 ;;
    --deployer) deployer="$2"; shift 2 ;;
    --deny-decrypt) deny_decrypt="yes"; shift ;;
    *) usage ;;
  esac
done

# The accounts and what each may do with the key (keep in step with functions/src/platform/service-accounts.ts;
# test/unit/provisioning.test.ts checks that they agree).
writer="interview-ai-key-writer"
reader="interview-ai-key-reader"
rewrap="interview-ai-key-rewrap"
records="interview-ai-key-records"
sa_email() { echo "$1@${project}.iam.gserviceaccount.com"; }

step() { echo; echo "== $*"; }
warn() { echo "WARNING: $*"; warnings=$((warnings + 1)); }
warnings=0
work_dir="$(mktemp -d)"
trap 'rm -rf "$work_dir"' EXIT

# Reads an IAM policy (JSON on stdin) and prints "MEMBER ROLE" for each binding whose role matches the
# regular expression $1, leaving out members listed in $2 (space-separated). Conditional bindings count.
bindings_matching() {
  node -e '
    const [pattern, skip] = process.argv.slice(1);
    const policy = JSON.parse(require("node:fs").readFileSync(0, "utf8") || "{}");
    const skipped = new Set(skip.split(" ").filter(Boolean));
    for (const binding of policy.bindings ?? []) {
      if (!new RegExp(pattern).test(binding.role)) continue;
      for (const member of binding.members ?? []) if (!skipped.has(member)) console.log(member + " " + binding.role);
    }' "$1" "${2:-}"
}

if [ -z "$deployer" ]; then
  account="$(gcloud config get-value account)"
  [ -n "$account" ] || { echo "No --deployer given and gcloud is not signed in." >&2; exit 2; }
  case "$account" in
    *.gserviceaccount.com) deployer="serviceAccount:$account" ;;
    *) deployer="user:$account" ;;
  esac
fi
case "$deployer" in
  user:*@*|group:*@*|serviceAccount:*@*) ;;
  *) echo "--deployer must be an IAM member such as user:alice@example.com, not '$deployer'." >&2; exit 2 ;;
esac

step "APIs: Cloud KMS, IAM"
gcloud services enable cloudkms.googleapis.com iam.googleapis.com --project "$project"

step "Key ring $keyring and key $key in $location"
if ! gcloud kms keyrings describe "$keyring" --location "$location" --project "$project" >/dev/null 2>&1; then
  gcloud kms keyrings create "$keyring" --location "$location" --project "$project"
fi
if ! gcloud kms keys describe "$key" --keyring "$keyring" --location "$location" --project "$project" >/dev/null 2>&1; then
  next_rotation="$(node -e 'console.log(new Date(Date.now() + 90 * 86400000).toISOString().replace(/\.\d+Z$/, "Z"))')"
  gcloud kms keys create "$key" --keyring "$keyring" --location "$location" --project "$project" \
    --purpose encryption --rotation-period 90d --next-rotation-time "$next_rotation"
fi

step "Service accounts"
for account in "$writer:Interview AI: seals new API keys (KMS encrypt)" \
               "$reader:Interview AI: opens stored API keys (KMS decrypt)" \
               "$rewrap:Interview AI: re-wraps data keys after KMS rotation" \
               "$records:Interview AI: key records without KMS access"; do
  name="${account%%:*}"
  if ! gcloud iam service-accounts describe "$(sa_email "$name")" --project "$project" >/dev/null 2>&1; then
    gcloud iam service-accounts create "$name" --display-name "${account#*:}" --project "$project"
  fi
done

step "Firestore access for every function account"
for name in "$writer" "$reader" "$rewrap" "$records"; do
  gcloud projects add-iam-policy-binding "$project" --member "serviceAccount:$(sa_email "$name")" \
    --role roles/datastore.user --condition None --quiet >/dev/null
done

step "App Check replay protection and Genkit Monitoring, for the accounts whose functions need them"
# setApiKey (writer) and the AI callables (reader) consume App Check tokens: App Check's verifyAppCheckToken.
for name in "$writer" "$reader"; do
  gcloud projects add-iam-policy-binding "$project" --member "serviceAccount:$(sa_email "$name")" \
    --role roles/firebaseappcheck.tokenVerifier --condition None --quiet >/dev/null
done
# Genkit Monitoring exports the AI callables' metrics, traces and logs.
for role in roles/monitoring.metricWriter roles/cloudtrace.agent roles/logging.logWriter; do
  gcloud projects add-iam-policy-binding "$project" --member "serviceAccount:$(sa_email "$reader")" \
    --role "$role" --condition None --quiet >/dev/null
done

step "Firebase Auth read access for the accounts that check whether an account may still act"
# setApiKey (writer) and the AI callables (reader) refuse deleted, disabled or signed-out accounts
# (functions/src/platform/account-status.ts); the deleted-accounts sweep (records) looks accounts up. Read-only.
for name in "$writer" "$reader" "$records"; do
  gcloud projects add-iam-policy-binding "$project" --member "serviceAccount:$(sa_email "$name")" \
    --role roles/firebaseauth.viewer --condition None --quiet >/dev/null
done

step "KMS roles on the key, each account only its part"
grant_on_key() {
  gcloud kms keys add-iam-policy-binding "$key" --keyring "$keyring" --location "$location" --project "$project" \
    --member "serviceAccount:$(sa_email "$1")" --role "$2" >/dev/null
}
grant_on_key "$writer" roles/cloudkms.cryptoKeyEncrypter
grant_on_key "$reader" roles/cloudkms.cryptoKeyDecrypter
grant_on_key "$rewrap" roles/cloudkms.cryptoKeyEncrypterDecrypter
grant_on_key "$rewrap" roles/cloudkms.viewer

step "Who may act as the function accounts: $deployer only"
# Acting as key-reader is decrypting every stored key: roles/iam.serviceAccountUser (actAs, which deploying
# a function to run as the account needs) goes to the deployer alone, and every other role on the account
# that lets a principal act as it or mint its tokens is removed. Errors stop the script.
act_as_roles='^roles/(iam\.serviceAccountUser|iam\.serviceAccountTokenCreator|iam\.serviceAccountOpenIdTokenCreator|iam\.workloadIdentityUser|owner|editor)$'
for name in "$writer" "$reader" "$rewrap" "$records"; do
  account_email="$(sa_email "$name")"
  gcloud iam service-accounts get-iam-policy "$account_email" --project "$project" --format json >"$work_dir/sa-policy.json"
  bindings_matching "$act_as_roles" <"$work_dir/sa-policy.json" >"$work_dir/sa-grants"
  while read -r member role; do
    [ "$member" = "$deployer" ] && [ "$role" = roles/iam.serviceAccountUser ] && continue
    gcloud iam service-accounts remove-iam-policy-binding "$account_email" --project "$project" \
      --member "$member" --role "$role" >/dev/null
    echo "$name: removed $role from $member"
  done <"$work_dir/sa-grants"
  if grep -qxF "$deployer roles/iam.serviceAccountUser" "$work_dir/sa-grants"; then
    echo "$name: $deployer already the only one"
  else
    gcloud iam service-accounts add-iam-policy-binding "$account_email" --project "$project" \
      --member "$deployer" --role roles/iam.serviceAccountUser >/dev/null
    echo "$name: granted roles/iam.serviceAccountUser to $deployer"
  fi
done

step "Revoke the shared default compute account's KMS grant, if an earlier setup made it"
project_number="$(gcloud projects describe "$project" --format 'value(projectNumber)')"
compute_account="serviceAccount:${project_number}-compute@developer.gserviceaccount.com"
# Read first, so that a failure to read or to remove (a missing permission) stops the script instead of
# passing for "nothing to revoke".
gcloud kms keys get-iam-policy "$key" --keyring "$keyring" --location "$location" --project "$project" --format json >"$work_dir/key-policy.json"
if bindings_matching '^roles/cloudkms\.cryptoKeyEncrypterDecrypter$' <"$work_dir/key-policy.json" | grep -qxF "$compute_account roles/cloudkms.cryptoKeyEncrypterDecrypter"; then
  gcloud kms keys remove-iam-policy-binding "$key" --keyring "$keyring" --location "$location" --project "$project" \
    --member "$compute_account" --role roles/cloudkms.cryptoKeyEncrypterDecrypter >/dev/null
  echo "revoked"
else
  echo "none to revoke"
fi

step "KMS grants beyond the key's own (reported, not changed: review each)"
# A KMS role on the key ring or the project reaches this key too; on the key, only ours belong.
ours="serviceAccount:$(sa_email "$writer") serviceAccount:$(sa_email "$reader") serviceAccount:$(sa_email "$rewrap")"
gcloud kms keys get-iam-policy "$key" --keyring "$keyring" --location "$location" --project "$project" --format json >"$work_dir/key-policy.json"
gcloud kms keyrings get-iam-policy "$keyring" --location "$location" --project "$project" --format json >"$work_dir/keyring-policy.json"
gcloud projects get-iam-policy "$project" --format json >"$work_dir/project-policy.json"
while read -r member role; do warn "on the key $key: $role for $member"; done < <(bindings_matching '^roles/cloudkms\.' "$ours" <"$work_dir/key-policy.json")
while read -r member role; do warn "on the key ring $keyring: $role for $member"; done < <(bindings_matching '^roles/cloudkms\.' <"$work_dir/keyring-policy.json")
while read -r member role; do warn "on the project: $role for $member"; done < <(bindings_matching '^roles/cloudkms\.' <"$work_dir/project-policy.json")
# Project-level roles that include actAs reach every service account, ours included.
while read -r member role; do
  warn "on the project: $role for $member can act as every service account, key-reader included"
done < <(bindings_matching '^roles/(owner|editor|iam\.serviceAccountUser|iam\.serviceAccountTokenCreator)$' <"$work_dir/project-policy.json")
[ "$warnings" -gt 0 ] || echo "none"

if [ "$deny_decrypt" = yes ]; then
  step "Deny policy: only key-reader and key-rewrap may decrypt with any key version in the project"
  attachment="cloudresourcemanager.googleapis.com/projects/${project_number}"
  node - "$work_dir/deny-policy.json" "$(sa_email "$reader")" "$(sa_email "$rewrap")" <<'NODE'
const [file, reader, rewrap] = process.argv.slice(2);
const policy = {
  displayName: "Interview AI: only key-reader and key-rewrap decrypt",
  rules: [
    {
      description: "Stored API keys are decrypted by the functions' key-reader account and the re-wrap job only.",
      denyRule: {
        deniedPrincipals: ["principalSet://goog/public:all"],
        exceptionPrincipals: [reader, rewrap].map((email) => `principal://iam.googleapis.com/projects/-/serviceAccounts/${email}`),
        deniedPermissions: ["cloudkms.googleapis.com/cryptoKeyVersions.useToDecrypt"],
      },
    },
  ],
};
require("node:fs").writeFileSync(file, JSON.stringify(policy, null, 2));
NODE
  if gcloud iam policies describe interview-ai-decrypt --attachment-point "$attachment" --kind denypolicies --format json \
    >"$work_dir/deny-current.json" 2>"$work_dir/deny-error"; then
    if node - "$work_dir/deny-current.json" "$work_dir/deny-policy.json" <<'NODE'
const fs = require("node:fs");
const [current, wanted] = process.argv.slice(2).map((file) => JSON.parse(fs.readFileSync(file, "utf8")));
const rulesOf = (policy) => JSON.stringify((policy.rules ?? []).map(({ denyRule: r = {} }) => [r.deniedPrincipals, r.exceptionPrincipals, r.deniedPermissions].map((list) => [...(list ?? [])].sort())));
if (rulesOf(current) === rulesOf(wanted)) process.exit(1);
fs.writeFileSync(process.argv[3], JSON.stringify({ ...wanted, etag: current.etag }, null, 2));
NODE
    then
      gcloud iam policies update interview-ai-decrypt --attachment-point "$attachment" --kind denypolicies \
        --policy-file "$work_dir/deny-policy.json" >/dev/null
      echo "updated"
    else
      echo "already in place"
    fi
  elif grep -q "NOT_FOUND" "$work_dir/deny-error"; then
    gcloud iam policies create interview-ai-decrypt --attachment-point "$attachment" --kind denypolicies \
      --policy-file "$work_dir/deny-policy.json" >/dev/null
    echo "created"
  else
    cat "$work_dir/deny-error" >&2
    exit 1
  fi
fi

step "Cloud KMS data-access audit logs (DATA_READ, DATA_WRITE, ADMIN_READ)"
policy_file="$work_dir/audit-policy.json"
gcloud projects get-iam-policy "$project" --format json >"$policy_file"
if node - "$policy_file" <<'NODE'
const fs = require("node:fs");
const file = process.argv[2];
const policy = JSON.parse(fs.readFileSync(file, "utf8"));
const wanted = ["ADMIN_READ", "DATA_READ", "DATA_WRITE"];
policy.auditConfigs ??= [];
let config = policy.auditConfigs.find((c) => c.service === "cloudkms.googleapis.com");
if (!config) policy.auditConfigs.push((config = { service: "cloudkms.googleapis.com", auditLogConfigs: [] }));
config.auditLogConfigs ??= [];
const missing = wanted.filter((logType) => !config.auditLogConfigs.some((c) => c.logType === logType));
for (const logType of missing) config.auditLogConfigs.push({ logType });
fs.writeFileSync(file, JSON.stringify(policy));
process.exit(missing.length > 0 ? 0 : 1);
NODE
then
  gcloud projects set-iam-policy "$project" "$policy_file" --quiet >/dev/null
  echo "turned on"
else
  echo "already on"
fi

key_name="projects/${project}/locations/${location}/keyRings/${keyring}/cryptoKeys/${key}"
echo
[ "$warnings" -eq 0 ] || echo "$warnings warning(s) above: grants this script does not change by itself (docs/iam.md says what to do)."
echo "Done. Put this line in functions/.env.${project}:"
echo "KMS_KEY_NAME=${key_name}"
