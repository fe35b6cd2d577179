#!/usr/bin/env bash
# The task queue: no-op tasks (stockroom.ping) enqueued and completed per second with 1 and 3 stockroom-worker
# processes (4 task threads each), and the time from an enqueue's commit to its task starting.
# Runs inside scripts/with-services (bench/run); needs STOCKROOM_BIN with stockroom-worker and tasks-bench.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${STOCKROOM_BIN:-.build/release}
: "${STOCKROOM_DATABASE_URL:?run through scripts/with-services (bench/run)}"
: "${STOCKROOM_REDIS_URL:?run through scripts/with-services (bench/run)}"
TASKS=${TASKS_BENCH_COUNT:-50000}
LATENCY_TASKS=${TASKS_BENCH_LATENCY_COUNT:-1000}
work=$(mktemp -d)
pids=()
stop_workers() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
trap 'stop_workers; rm -rf "$work"' EXIT

"$BIN/stockroom" migrate >/dev/null
reset_queue() { psql -q "$STOCKROOM_DATABASE_URL" -c "TRUNCATE task_queue, task_schedule" >/dev/null; }
start_workers() {
  for i in $(seq 1 "$1"); do
    STOCKROOM_CONFIG=/dev/null STOCKROOM_LOG_LEVEL=warning \
      "$BIN/stockroom-worker" --listen "control=unix:$work/worker-$i.sock" 2>>"$work/workers.log" &
    pids+=($!)
  done
  for i in $(seq 1 "$1"); do
    for _ in $(seq 1 200); do [ -S "$work/worker-$i.sock" ] && break; sleep 0.05; done
  done
}

echo "| workers | enqueued/s | completed/s | start latency p50 | p99 |"
echo "| ---: | ---: | ---: | ---: | ---: |"
for workers in 1 3; do
  reset_queue
  enqueued=$("$BIN/tasks-bench" enqueue "$TASKS")
  start_workers "$workers"
  completed=$("$BIN/tasks-bench" drain "$TASKS" 300)
  reset_queue
  sleep 0.5
  read -r p50 p99 < <("$BIN/tasks-bench" latency "$LATENCY_TASKS")
  stop_workers
  echo "| $workers | $enqueued | $completed | $p50 ms | $p99 ms |"
done
echo
echo "$TASKS no-op tasks enqueued 100 per transaction on 2 connections with no worker running, then drained (first start to"
echo "last finish); latency: $LATENCY_TASKS tasks enqueued one per transaction 5 ms apart on an idle queue, from COMMIT returning to"
echo "the task's body starting (wall clock on the same host)."
