#!/usr/bin/env bash
# Provisions what Interview AI's key vault needs in a Google Cloud project, with least privilege:
#   - the Cloud KMS key ring and key that wrap every data key (rotated every 90 days);
#   - one service account per kind of function (functions/src/service-accounts.ts names them), each
#     allowed exactly its part of KMS: key-writer encrypts, key-reader decrypts, key-rewrap does both
#     and reads which version is primary, key-records has no KMS role at all; all use Firestore; writer and
#     reader verify App Check tokens (replay protection), and reader writes Genkit Monitoring telemetry;
#   - Cloud KMS data-access audit logs (every encrypt and decrypt is logged with the caller's identity);
#   - and it revokes the encrypt/decrypt grant an earlier version of the deploy guide gave the default
#     compute service account, which every workload in the project shares.
# Idempotent: every resource is created only if missing, and IAM bindings are added (or removed) as a set,
# so running it again changes nothing.
#
# Usage: deploy/provision.sh PROJECT_ID [--location LOCATION] [--keyring NAME] [--key NAME]
# Needs: gcloud (signed in as a project Owner, or with KMS Admin, Service Account Admin and Project IAM
# Admin), and node (to edit the project's IAM policy JSON for the audit-log setting).
set -euo pipefail

usage() {
  echo "Usage: $0 PROJECT_ID [--location LOCATION] [--keyring NAME] [--key NAME]" >&2
  exit 2
}

[ $# -ge 1 ] || usage
project="$1"
shift
location="global"
keyring="interview-ai"
key="api-keys"
while [ $# -gt 0 ]; do
  case "$1" in
    --location) location="$2"; shift 2 ;;
    --keyring) keyring="$2"; shift 2 ;;
    --key) key="$2"; shift 2 ;;
    *) usage ;;
  esac
done

# The accounts and what each may do with the key (keep in step with functions/src/service-accounts.ts;
# test/unit/provisioning.test.ts checks that they agree).
writer="interview-ai-key-writer"
reader="interview-ai-key-reader"
rewrap="interview-ai-key-rewrap"
records="interview-ai-key-records"
sa_email() { echo "$1@${project}.iam.gserviceaccount.com"; }

step() { echo; echo "== $*"; }

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
# (functions/src/account-status.ts); the deleted-accounts sweep (records) looks accounts up. Read-only.
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

step "Revoke the shared default compute account's KMS grant, if an earlier setup made it"
project_number="$(gcloud projects describe "$project" --format 'value(projectNumber)')"
if gcloud kms keys remove-iam-policy-binding "$key" --keyring "$keyring" --location "$location" --project "$project" \
  --member "serviceAccount:${project_number}-compute@developer.gserviceaccount.com" \
  --role roles/cloudkms.cryptoKeyEncrypterDecrypter >/dev/null 2>&1; then
  echo "revoked"
else
  echo "none to revoke"
fi

step "Cloud KMS data-access audit logs (DATA_READ, DATA_WRITE, ADMIN_READ)"
policy_file="$(mktemp)"
trap 'rm -f "$policy_file"' EXIT
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
echo "Done. Put this line in functions/.env.${project}:"
echo "KMS_KEY_NAME=${key_name}"
