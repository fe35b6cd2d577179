#!/usr/bin/env bash
# Builds the libFuzzer binary for the HTTP request parser: fuzz/.build/parser-fuzzer
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFTC=${SWIFTC:-swiftc}
mkdir -p fuzz/.build
"$SWIFTC" -sanitize=fuzzer,address -parse-as-library -O -g \
  -module-name ParserFuzz \
  fuzz/ParserFuzzTarget.swift Sources/HTTP/Parser/*.swift \
  -o fuzz/.build/parser-fuzzer 2>&1 | { grep -v -e "Cannot export local symbol" -e "prohibited flag" || true; }
echo "built fuzz/.build/parser-fuzzer"
