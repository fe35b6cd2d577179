#!/usr/bin/env python3
"""Time from exec to READY=1, and idle memory, of each Stockroom daemon.

Each daemon is started the way systemd starts it: listening sockets passed as LISTEN_FDS with
LISTEN_FDNAMES and LISTEN_PID, a NOTIFY_SOCKET to report readiness on, PostgreSQL and Redis
running (their URLs come from the environment). Prints one Markdown table row per daemon.
"""
import os
import socket
import statistics
import sys
import tempfile
import time

BIN = os.environ.get("STOCKROOM_BIN", ".build/release")
RUNS = int(os.environ.get("STARTUP_RUNS", "10"))

# name, socket names (all unix stream sockets here: only the fd kind matters to the daemon)
DAEMONS = [
    ("stockroom-proxy", ["http"]),
    ("stockroom-web", ["web"]),
    ("stockroom-worker", ["control"]),
    ("stockroom-warmer", ["control"]),
]


def listening_socket(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(128)
    return s


def start(executable, sockets, notify_path, env):
    pid = os.fork()
    if pid == 0:
        try:
            for i, s in enumerate(sockets):
                os.dup2(s.fileno(), 3 + i)
            child_env = dict(env)
            child_env["LISTEN_FDS"] = str(len(sockets))
            child_env["LISTEN_PID"] = str(os.getpid())
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            os.execve(executable, [executable], child_env)
        finally:
            os._exit(127)
    return pid


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def measure(name, socket_names, workdir):
    executable = os.path.join(BIN, name)
    times, rss = [], []
    for run in range(RUNS):
        notify_path = os.path.join(workdir, f"notify-{name}-{run}")
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(notify_path)
        notify.settimeout(10)
        sockets = [listening_socket(os.path.join(workdir, f"{name}-{sn}-{run}.sock")) for sn in socket_names]
        env = dict(os.environ)
        env["NOTIFY_SOCKET"] = notify_path
        env["LISTEN_FDNAMES"] = ":".join(socket_names)
        began = time.monotonic()
        pid = start(executable, sockets, notify_path, env)
        ready = None
        try:
            while ready is None:
                message = notify.recv(4096).decode()
                if "READY=1" in message.split("\n"):
                    ready = time.monotonic()
        except socket.timeout:
            print(f"{name}: no READY=1 within 10 s", file=sys.stderr)
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            sys.exit(1)
        times.append((ready - began) * 1000)
        if run == 0:
            time.sleep(1.0)  # idle a moment, then read its resident memory
            rss.append(rss_kib(pid) / 1024)
        os.kill(pid, 15)
        os.waitpid(pid, 0)
        notify.close()
        for s in sockets:
            s.close()
    return statistics.median(times), max(times), rss[0]


def main():
    with tempfile.TemporaryDirectory() as workdir:
        print("| daemon | exec to READY=1, median (max) | idle RSS | goal |")
        print("| --- | --- | --- | --- |")
        for name, socket_names in DAEMONS:
            median, worst, rss = measure(name, socket_names, workdir)
            print(f"| {name} | {median:.1f} ms ({worst:.1f} ms) | {rss:.1f} MiB | < 100 ms, < 20 MiB |")


if __name__ == "__main__":
    main()
