#!/usr/bin/env bash
# Runs the RealWorld collection against the sample app: once on embedded PGlite, and once on
# the PostgreSQL server of DATABASE_URL (in a fresh database) when it is set. Each run
# registers a fresh user, as the collection requires.
set -euo pipefail
cd "$(dirname "$0")/../.."

collection=sample-app/realworld/Conduit.postman_collection.json

run_against() {
  local label=$1 port=$2 database_url=$3
  local log
  log=$(mktemp)
  DATABASE_URL="$database_url" PORT="$port" \
    node --conditions=source -r ./sample-app/register-typescript.cjs sample-app/src/main.ts >"$log" 2>&1 &
  local app=$!
  trap 'kill $app 2>/dev/null || true' RETURN
  if ! node -e "
    const url = 'http://127.0.0.1:$port/api/tags';
    (async () => {
      for (let i = 0; i < 120; i++) {
        try { if ((await fetch(url)).ok) process.exit(0); } catch {}
        await new Promise((r) => setTimeout(r, 500));
      }
      process.exit(1);
    })();"; then
    echo "The sample app did not start ($label):" >&2
    cat "$log" >&2
    return 1
  fi
  local stamp
  stamp=$(date +%s%N)
  echo "RealWorld collection on $label"
  npx newman run "$collection" \
    --global-var "APIURL=http://127.0.0.1:$port/api" \
    --global-var "USERNAME=u$stamp" \
    --global-var "EMAIL=u$stamp@mail.com" \
    --global-var "PASSWORD=password" \
    --reporters cli --reporter-cli-no-success-assertions --reporter-cli-no-console
}

run_against "embedded PGlite" 3101 ""

if [ -n "${DATABASE_URL:-}" ]; then
  server_url=$(node -e "
    const { Client } = require('pg');
    (async () => {
      const admin = new Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query('drop database if exists conduit_realworld');
      await admin.query('create database conduit_realworld');
      await admin.end();
      const url = new URL(process.env.DATABASE_URL);
      url.pathname = '/conduit_realworld';
      console.log(url.toString());
    })().catch((e) => { console.error(e.message); process.exit(1); });")
  run_against "PostgreSQL" 3102 "$server_url"
fi
