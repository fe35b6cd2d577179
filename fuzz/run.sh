#!/usr/bin/env bash
# run.sh SECONDS: fuzzes the parser for SECONDS (default 60) from the seed corpus; crash inputs land
# in fuzz/crashes/ (turn each into a regression test in Tests/HTTPTests/ParserFuzzRegressionTests.swift).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
fuzz/build.sh
mkdir -p fuzz/.build/corpus fuzz/crashes
fuzz/.build/parser-fuzzer -max_total_time="$seconds" -max_len=4096 -timeout=10 \
  -dict=fuzz/http.dict -artifact_prefix=fuzz/crashes/ -print_final_stats=1 \
  fuzz/.build/corpus fuzz/corpus
