#!/usr/bin/env python3
"""REST API throughput and latency of stockroom-web with the demo dataset, measured with wrk.

Imports ../shared/demo-dataset (the API 530 export) with `stockroom import-inventree --replace`, gives the
admin user an API token, starts stockroom-web the way systemd does (a listening TCP socket on loopback
passed as LISTEN_FDS, READY=1 awaited on NOTIFY_SOCKET), then runs wrk at 16 connections on each row.
Prints one Markdown table row per request: requests/s, p50 and p99 latency.
"""
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time

BIN = os.environ.get("STOCKROOM_BIN", ".build/release")
SHARED = os.environ.get("STOCKROOM_SHARED_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared"))
DEMO = os.path.join(SHARED, "demo-dataset")
DURATION = os.environ.get("API_BENCH_DURATION", "10s")
CONNECTIONS = 16


def psql(sql):
    psql_bin = os.path.join(os.environ["STOCKROOM_TEST_PG_BIN"], "psql")
    return subprocess.run([psql_bin, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", os.environ["STOCKROOM_DATABASE_URL"],
                           "-c", sql], check=True, capture_output=True, text=True).stdout.strip()


def start_web(workdir):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1024)
    notify_path = os.path.join(workdir, "notify")
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(notify_path)
    notify.settimeout(20)
    # Access logs at info would time the terminal, not the server.
    env = dict(os.environ, NOTIFY_SOCKET=notify_path, LISTEN_FDNAMES="web", LISTEN_FDS="1", STOCKROOM_LOG_LEVEL="warning")
    executable = os.path.join(BIN, "stockroom-web")
    pid = os.fork()
    if pid == 0:
        try:
            os.dup2(listener.fileno(), 3)
            os.set_inheritable(3, True)
            env["LISTEN_PID"] = str(os.getpid())
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.execve(executable, [executable], env)
        finally:
            os._exit(127)
    while True:
        try:
            if "READY=1" in notify.recv(4096).decode().split("\n"):
                break
        except socket.timeout:
            os.kill(pid, 9)
            sys.exit("stockroom-web: no READY=1 within 20 s")
    return pid, listener.getsockname()[1]


def wrk(url, token):
    out = subprocess.run(["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", DURATION, "--latency",
                          "-H", f"Authorization: Token {token}", url], check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"\s50%\s+([\d.]+\w+)", out).group(1)
    p99 = re.search(r"\s99%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, p50, p99, int(errors.group(1)) if errors else 0


def main():
    subprocess.run([os.path.join(BIN, "stockroom"), "import-inventree", os.path.join(DEMO, "inventree_data_api530.json"),
                    "--media", os.path.join(DEMO, "media"), "--replace"], check=True, stdout=subprocess.DEVNULL)
    psql("ANALYZE")
    token = "inv-bench-" + secrets.token_hex(20)
    psql(f"INSERT INTO users_apitoken (key, name, user_id) SELECT '{token}', 'bench', id FROM auth_user WHERE username = 'admin'")
    part = psql("SELECT min(id) FROM part_part")
    rows = [("GET /api/part/?limit=50", "/api/part/?limit=50"), (f"GET /api/part/<pk>/", f"/api/part/{part}/")]
    with tempfile.TemporaryDirectory() as workdir:
        pid, port = start_web(workdir)
        try:
            print(f"| request (demo dataset, {CONNECTIONS} connections, wrk {DURATION}) | requests/s | p50 | p99 | goal |")
            print("| --- | --- | --- | --- | --- |")
            for label, path in rows:
                url = f"http://127.0.0.1:{port}{path}"
                subprocess.run(["wrk", "-t", "1", "-c", "4", "-d", "1s", "-H", f"Authorization: Token {token}", url],
                               check=True, capture_output=True)
                rate, p50, p99, errors = wrk(url, token)
                note = f" ({errors} non-2xx)" if errors else ""
                print(f"| {label} | {rate:.0f}{note} | {p50} | {p99} | >= 100x InvenTree, p99 < 10 ms |")
        finally:
            os.kill(pid, 15)
            os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
