#!/usr/bin/env bash
# Fuzzes the JSON API against its own OpenAPI document: starts
# `tuijin serve --demo` on a free local port, signs in as the demo admin for
# a bearer token, and runs schemathesis (examples, coverage and fuzzing) with
# the checks not_a_server_error, status_code_conformance,
# content_type_conformance and response_schema_conformance, bounded in time.
# Any failure fails the step. Usage: .ci/schemathesis.sh [path/to/tuijin]
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${1:-target/debug/tuijin}"
MAX_TIME="${SCHEMATHESIS_MAX_TIME:-150}"
MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-30}"
PASSWORD="schemathesis-$RANDOM-$RANDOM"

if ! command -v schemathesis >/dev/null 2>&1; then
  pip install --quiet schemathesis
fi
schemathesis --version

work=$(mktemp -d)
log="$work/serve.log"
TUIJIN_ADMIN_PASSWORD="$PASSWORD" TUIJIN_LOG=warn TMPDIR="$work" \
  "$BIN" serve --demo --listen 127.0.0.1:0 >"$log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

base=""
for _ in $(seq 1 120); do
  base=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -n1 || true)
  [ -n "$base" ] && break
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "FAIL: tuijin serve --demo exited:"; cat "$log"; exit 1
  fi
  sleep 1
done
if [ -z "$base" ]; then
  echo "FAIL: tuijin serve --demo did not start in 120 s:"; cat "$log"; exit 1
fi
echo "server at $base"

token=$(curl -fsS -X POST "$base/api/v1/login" -H 'content-type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

# Known ids and codes of the demo data, mixed into the generated path
# parameters so that the fuzzing also reaches past the 404s.
# The first item's `$2` of a list (a bare array or `{"items": [...]}`).
first() {
  curl -fsS -H "Authorization: Bearer $token" "$base$1" | python3 -c '
import json, sys
v = json.load(sys.stdin)
print((v["items"] if isinstance(v, dict) else v)[0][sys.argv[1]])' "$2"
}
project=$(first /api/v1/projects code)
enterprise=$(first /api/v1/enterprises credit_code)
year=$(date +%Y)
cat >"$work/schemathesis.toml" <<EOF
[dictionaries.ids]
values = [1, 2, 3, 4, 5]
[dictionaries.codes]
values = ["$project", "$enterprise"]
[dictionaries.years]
values = [$year, $((year + 1)), 2006]
[parameters]
"path.id" = { dictionary = "ids", probability = 0.5 }
"path.code" = { dictionary = "codes", probability = 0.5 }
"path.year" = { dictionary = "years", probability = 0.5 }
EOF

start=$(date +%s)
set +e
# Two workers: concurrent writes must queue (SQLite write transactions begin
# IMMEDIATE), never fail.
schemathesis --config-file "$work/schemathesis.toml" run "$base/api/openapi.json" \
  --url "$base" \
  -H "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --phases examples,coverage,fuzzing \
  --max-examples "$MAX_EXAMPLES" \
  --max-time "$MAX_TIME" \
  --seed 2006 \
  --workers 2 \
  --request-timeout 20 \
  --suppress-health-check all \
  --no-color
rc=$?
set -e
echo "schemathesis took $(($(date +%s) - start)) s"
if ! kill -0 "$pid" 2>/dev/null; then
  echo "FAIL: the server died during the run:"; tail -n 50 "$log"; exit 1
fi
if grep -q 'panicked' "$log"; then
  echo "FAIL: the server panicked:"; grep -A3 'panicked' "$log" | head -n 40; exit 1
fi
exit "$rc"
