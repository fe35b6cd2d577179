#!/usr/bin/env bash
# The import time of the demo dataset: both exports (2024 and API 530), each with its media, into
# a fresh database, three runs each (the best is reported); the goal is under 5 seconds.
# Runs inside scripts/with-services; `make bench` calls it, or: scripts/with-services bench/import.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${STOCKROOM_BIN:-.build/release}
shared=${STOCKROOM_SHARED_DIR:-../shared}
base=${STOCKROOM_TEST_DATABASE_URL:?run through scripts/with-services}
psql="$STOCKROOM_TEST_PG_BIN/psql"
database_url=$(echo "$base" | sed 's#/postgres?#/bench_import?#')

for file in inventree_data.json inventree_data_api530.json; do
  best=""
  for run in 1 2 3; do
    "$psql" "$base" -qc "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS bench_import WITH (FORCE)" -c "CREATE DATABASE bench_import"
    STOCKROOM_DATABASE_URL=$database_url "$bin/stockroom" migrate >/dev/null
    media_root="$STOCKROOM_TEST_DIR/bench-media-$run"
    rm -rf "$media_root"
    start=$(date +%s%N)
    STOCKROOM_DATABASE_URL=$database_url STOCKROOM_MEDIA_ROOT=$media_root \
      "$bin/stockroom" import-inventree "$shared/demo-dataset/$file" --media "$shared/demo-dataset/media" >"$STOCKROOM_TEST_DIR/bench-import.log"
    elapsed=$(( $(date +%s%N) - start ))
    if [ -z "$best" ] || [ "$elapsed" -lt "$best" ]; then best=$elapsed; fi
  done
  loaded=$(sed -n 's/^loaded \([0-9]*\) records:$/\1/p' "$STOCKROOM_TEST_DIR/bench-import.log")
  printf '%-28s %5s records  %d.%02d s (best of 3, whole command)  %s\n' "$file" "$loaded" \
    $(( best / 1000000000 )) $(( best / 10000000 % 100 )) \
    "$(tail -n 2 "$STOCKROOM_TEST_DIR/bench-import.log" | head -n 1)"
done
"$psql" "$base" -qc "DROP DATABASE IF EXISTS bench_import WITH (FORCE)"
