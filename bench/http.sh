#!/usr/bin/env bash
# HTTP benchmark: nginx (bench/nginx/render) and stockroom-proxy on the same static root and the
# same upstream, measured with wrk in one run, alternating (A B A B ...), median of the rounds.
#
# The upstream both proxy to is a third, separate nginx answering a fixed small body from memory
# (`return 200`) on a unix socket, as stockroom-web's socket is in production: it costs a few
# microseconds per request, so the proxies, not the upstream, are what is measured.
#
# Needs STOCKROOM_DATABASE_URL (migrated) and STOCKROOM_REDIS_URL, as bench/run sets them.
# Knobs: STOCKROOM_BIN (.build/release), HTTP_BENCH_ROUNDS (3), HTTP_BENCH_SECONDS (5),
# HTTP_BENCH_CONNECTIONS (64), HTTP_BENCH_THREADS (2), HTTP_BENCH_PORT (18580: uses 3 ports from it).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${STOCKROOM_BIN:-.build/release}
ROUNDS=${HTTP_BENCH_ROUNDS:-3}
SECONDS_EACH=${HTTP_BENCH_SECONDS:-5}
CONNECTIONS=${HTTP_BENCH_CONNECTIONS:-64}
THREADS=${HTTP_BENCH_THREADS:-2}
base_port=${HTTP_BENCH_PORT:-18580}
nginx_static_port=$base_port nginx_port=$((base_port + 1)) proxy_port=$((base_port + 2))
: "${STOCKROOM_DATABASE_URL:?set STOCKROOM_DATABASE_URL (bench/run does)}"
: "${STOCKROOM_REDIS_URL:?set STOCKROOM_REDIS_URL (bench/run does)}"
[ -x "$BIN/stockroom-proxy" ] || { echo "http.sh: $BIN/stockroom-proxy is missing (make release)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "http.sh: wrk is not installed" >&2; exit 1; }

work="$(mktemp -d /tmp/stockroom-http-bench.XXXXXX)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# The static root: a 1 KiB text file and a 1 MiB file.
mkdir -p "$work/static"
head -c 1024 /dev/urandom | base64 -w 64 | head -c 1024 > "$work/static/1k.txt"
head -c 1048576 /dev/urandom > "$work/static/1m.bin"

# The upstream: nginx answering from memory on a unix socket.
upstream_socket="$work/upstream.sock"
mkdir -p "$work/upstream/logs" "$work/upstream/tmp"
cat > "$work/upstream/nginx.conf" <<CONF
$( [ "$(id -u)" = 0 ] && echo "user root;" )
daemon off;
worker_processes 1;
pid $work/upstream/nginx.pid;
error_log $work/upstream/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/upstream/tmp/body;
    proxy_temp_path $work/upstream/tmp/proxy;
    fastcgi_temp_path $work/upstream/tmp/fastcgi;
    uwsgi_temp_path $work/upstream/tmp/uwsgi;
    scgi_temp_path $work/upstream/tmp/scgi;
    keepalive_requests 1000000;
    keepalive_timeout 75s;
    server {
        listen unix:$upstream_socket;
        default_type application/json;
        location / { return 200 '{"detail": "fixed upstream answer"}\n'; }
    }
}
CONF
nginx -c "$work/upstream/nginx.conf" -p "$work/upstream" -e "$work/upstream/logs/error.log" & pids+=($!)

# nginx, the reference.
nginx_command="$(bench/nginx/render --prefix "$work/nginx" --static-root "$work/static" --static-port "$nginx_static_port" \
    --proxy-port "$nginx_port" --upstream "unix:$upstream_socket")"
$nginx_command & pids+=($!)
nginx_master=$!

# stockroom-proxy, with its access log off as nginx's is.
STOCKROOM_STATIC_ROOT="$work/static" STOCKROOM_WEB_SOCKET="$upstream_socket" STOCKROOM_ACCESS_LOG=off \
    "$BIN/stockroom-proxy" --listen "http=127.0.0.1:$proxy_port" 2>"$work/proxy.log" & pids+=($!)
proxy_pid=$!

wait_for() {
    for _ in $(seq 100); do
        curl -sf -o /dev/null "$1" && return 0
        sleep 0.1
    done
    echo "http.sh: nothing answers $1" >&2
    cat "$work/proxy.log" >&2
    exit 1
}
wait_for "http://127.0.0.1:$nginx_port/static/1k.txt"
wait_for "http://127.0.0.1:$proxy_port/static/1k.txt"
for port in "$nginx_port" "$proxy_port"; do
    [ "$(curl -s "http://127.0.0.1:$port/api/bench/")" = '{"detail": "fixed upstream answer"}' ] \
        || { echo "http.sh: port $port does not pass /api/ to the upstream" >&2; exit 1; }
    cmp -s <(curl -s "http://127.0.0.1:$port/static/1m.bin") "$work/static/1m.bin" \
        || { echo "http.sh: port $port serves a different 1m.bin" >&2; exit 1; }
done
etag() { curl -sI "http://127.0.0.1:$1/static/1k.txt" | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: //p'; }
nginx_etag="$(etag "$nginx_port")" proxy_etag="$(etag "$proxy_port")"
for pair in "$nginx_port $nginx_etag" "$proxy_port $proxy_etag"; do
    set -- $pair
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $2" "http://127.0.0.1:$1/static/1k.txt")" = 304 ] \
        || { echo "http.sh: port $1 does not answer 304 to If-None-Match: $2" >&2; exit 1; }
done

# CPU time (clock ticks) used so far by the given processes and their children's threads.
cpu_ticks() {
    local total=0 pid
    for pid in "$@"; do
        for stat in /proc/"$pid"/task/*/stat; do
            total=$((total + $(awk '{ print $14 + $15 }' "$stat" 2>/dev/null || echo 0)))
        done
    done
    echo "$total"
}
ticks_per_second=$(getconf CLK_TCK)

# One wrk run against the server whose processes are $PIDS; prints
# "requests_per_second p99_milliseconds cpu_microseconds_per_request".
measure() {
    local url=$1; shift
    local before after
    before=$(cpu_ticks $PIDS)
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency "$@" "$url" > "$work/wrk.out"
    after=$(cpu_ticks $PIDS)
    awk -v ticks=$((after - before)) -v hz="$ticks_per_second" '
        function ms(text) {
            if (text ~ /us$/) return substr(text, 1, length(text) - 2) / 1000
            if (text ~ /ms$/) return substr(text, 1, length(text) - 2) + 0
            if (text ~ /s$/) return substr(text, 1, length(text) - 1) * 1000
            return text + 0
        }
        /requests in/ { requests = $1 }
        /Requests\/sec:/ { rps = $2 }
        /^ +99%/ { p99 = ms($2) }
        /Non-2xx or 3xx responses|Socket errors/ { errors = errors $0 " " }
        END {
            if (errors != "") print "wrk reported: " errors > "/dev/stderr"
            printf "%.0f %.2f %.1f\n", rps, p99, (requests > 0) ? ticks * 1000000 / hz / requests : 0
        }' "$work/wrk.out"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# row label, path, then for each side extra wrk arguments are chosen below
run_row() {
    local label=$1 path=$2 kind=$3
    local nginx_rps=() nginx_p99=() nginx_cpu=() proxy_rps=() proxy_p99=() proxy_cpu=()
    for round in $(seq "$ROUNDS"); do
        for side in nginx proxy; do
            local port=$nginx_port etag=$nginx_etag
            PIDS="$nginx_master $(pgrep -P "$nginx_master" | tr '\n' ' ')"
            if [ "$side" = proxy ]; then port=$proxy_port etag=$proxy_etag PIDS=$proxy_pid; fi
            local extra=()
            [ "$kind" = revalidate ] && extra=(-H "If-None-Match: $etag")
            read -r rps p99 cpu < <(measure "http://127.0.0.1:$port$path" "${extra[@]}")
            if [ "$side" = nginx ]; then
                nginx_rps+=("$rps"); nginx_p99+=("$p99"); nginx_cpu+=("$cpu")
            else
                proxy_rps+=("$rps"); proxy_p99+=("$p99"); proxy_cpu+=("$cpu")
            fi
        done
    done
    local nr np nc pr pp pc
    nr=$(printf '%s\n' "${nginx_rps[@]}" | median); np=$(printf '%s\n' "${nginx_p99[@]}" | median)
    nc=$(printf '%s\n' "${nginx_cpu[@]}" | median)
    pr=$(printf '%s\n' "${proxy_rps[@]}" | median); pp=$(printf '%s\n' "${proxy_p99[@]}" | median)
    pc=$(printf '%s\n' "${proxy_cpu[@]}" | median)
    local ratio
    ratio=$(awk -v a="$pr" -v b="$nr" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')
    printf '| %s | %.0f | %.0f | %s | %s ms | %s ms | %s µs | %s µs |\n' "$label" "$nr" "$pr" "$ratio" "$np" "$pp" "$nc" "$pc"
}

echo "wrk -t$THREADS -c$CONNECTIONS, ${SECONDS_EACH} s per run, median of $ROUNDS rounds alternating nginx and stockroom-proxy;"
echo "upstream: a separate nginx returning a fixed 36-byte body on a unix socket; access logs off."
echo
echo "CPU per request: the server's own CPU time (all its processes and threads, user + system) during the run, divided"
echo "by the requests wrk completed; it depends far less than req/s on whatever else the machine is doing."
echo
echo "| request | nginx req/s | stockroom-proxy req/s | proxy / nginx | nginx p99 | stockroom-proxy p99 | nginx CPU/request | stockroom-proxy CPU/request |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
run_row "1 KiB static file" /static/1k.txt full
run_row "1 MiB static file" /static/1m.bin full
run_row "304 revalidation (If-None-Match)" /static/1k.txt revalidate
run_row "passed to the upstream" /api/bench/ upstream
