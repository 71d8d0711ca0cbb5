#!/usr/bin/env bash
# "A CI recipe with a Pact Broker" (contracts/README.md), step for step, on this machine: against the
# stand-in broker (docs/ci/stand-in-broker.mjs), or a real one when PACT_BROKER_BASE_URL is
# set. The consumer here is the reference integration: its committed pacts stand in for the
# ones your own consumer tests write. Run from anywhere: bash docs/ci/pact-broker-recipe.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export PACT_DO_NOT_TRACK=true

work=$(mktemp -d)
broker_pid=""
cleanup() {
  [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${PACT_BROKER_BASE_URL:-}" ]; then
  node docs/ci/stand-in-broker.mjs --port 0 >"$work/broker.log" 2>&1 &
  broker_pid=$!
  for _ in $(seq 50); do
    PACT_BROKER_BASE_URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/broker.log" || true)
    [ -n "$PACT_BROKER_BASE_URL" ] && break
    sleep 0.1
  done
  [ -n "$PACT_BROKER_BASE_URL" ] || { echo "the stand-in broker did not start: $(cat "$work/broker.log")" >&2; exit 1; }
  export PACT_BROKER_BASE_URL
fi
echo "Pact Broker: $PACT_BROKER_BASE_URL"

# 1. Consumer tests write pacts/ (here: the reference integration's, for the two providers).
mkdir -p "$work/pacts"
cp contracts/pacts/reference-integration-bank-api.json contracts/pacts/reference-integration-bank-webhooks.json "$work/pacts/"

# --- From here on, the recipe as written (run in a consumer's repository, it reads
# --- its pacts from ./pacts; here they are in $work/pacts).
GIT_SHA=${GIT_SHA:-$(git rev-parse HEAD)}
GIT_BRANCH=${GIT_BRANCH:-recipe-$(date +%s)}
CONSUMER=$(node -p 'JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")).consumer.name' "$work"/pacts/*-bank-api.json)
SANDBOX_VERSION=$(node -p 'require("bank-sandbox/package.json").version')

# 0. Once per broker: the environment that can-i-deploy asks about.
npx pact-broker create-environment --name staging || echo "(the staging environment is there already)"

# 2. Publish the pacts under this commit and branch.
npx pact-broker publish "$work/pacts" --consumer-app-version "$GIT_SHA" --branch "$GIT_BRANCH"

# 3. Verify them against the sandbox and publish the results.
npx bank-sandbox verify --provider bank-api --provider bank-webhooks \
  --consumer-version-selectors "[{\"branch\":\"$GIT_BRANCH\",\"consumer\":\"$CONSUMER\"}]" \
  --publish --provider-version "$SANDBOX_VERSION" --provider-branch main

# 4. Once per sandbox upgrade: the sandbox version you verify with is what staging runs.
for provider in bank-api bank-webhooks; do
  npx pact-broker record-deployment --pacticipant "$provider" --version "$SANDBOX_VERSION" --environment staging
done

# 5. Ask whether this version of the bot may go out.
npx pact-broker can-i-deploy --pacticipant "$CONSUMER" --version "$GIT_SHA" --to-environment staging
