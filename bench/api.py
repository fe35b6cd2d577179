#!/usr/bin/env python3
"""REST API and media throughput and latency, measured with wrk at 16 connections, on two inventories.

First the demo dataset: imports ../shared/demo-dataset (the API 530 export) with `stockroom import-inventree
--replace`, gives the admin user an API token, starts stockroom-web the way systemd does (a listening TCP socket
on loopback passed as LISTEN_FDS, READY=1 awaited on NOTIFY_SOCKET) and stockroom-proxy in front of it, then runs
each row. Then the same rows on a large generated inventory added to it (`stockroom generate-demo`, by default
100,000 parts, 1,000,000 stock items, 10,000 locations): the rows of a fixed page size must cost the same.

Rows: the part list, the stock list with part details, a part's detail, the list and the detail again from a second
stockroom-web with the row cache off (what the first read after a change costs), a stock transfer (wrk/transfer.lua moves
items back and forth between two locations, so the data keeps its size), and a part image fetched through
stockroom-proxy with the token next to the same file served by the proxy as static. Prints one Markdown table per
inventory: requests/s, p50 and p99 latency, and the goal.

Knobs: STOCKROOM_BIN (.build/release), API_BENCH_DURATION (10s), API_BENCH_LARGE (1; 0 skips the large
inventory), API_BENCH_LARGE_PARTS, API_BENCH_LARGE_STOCK, API_BENCH_LARGE_LOCATIONS.
"""
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time

BIN = os.environ.get("STOCKROOM_BIN", ".build/release")
HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("STOCKROOM_SHARED_DIR", os.path.join(HERE, "..", "..", "shared"))
DEMO = os.path.join(SHARED, "demo-dataset")
DURATION = os.environ.get("API_BENCH_DURATION", "10s")
CONNECTIONS = 16
THREADS = 2
LARGE = os.environ.get("API_BENCH_LARGE", "1") != "0"
LARGE_PARTS = int(os.environ.get("API_BENCH_LARGE_PARTS", "100000"))
LARGE_STOCK = int(os.environ.get("API_BENCH_LARGE_STOCK", "1000000"))
LARGE_LOCATIONS = int(os.environ.get("API_BENCH_LARGE_LOCATIONS", "10000"))

# InvenTree 1.5 (API 530) on this machine with the demo dataset, gunicorn with its own configuration (issue 5).
INVENTREE_PART_LIST = 14.9
INVENTREE_PART_DETAIL = 21.5


def psql(sql):
    psql_bin = os.path.join(os.environ["STOCKROOM_TEST_PG_BIN"], "psql")
    return subprocess.run([psql_bin, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", os.environ["STOCKROOM_DATABASE_URL"],
                           "-c", sql], check=True, capture_output=True, text=True).stdout.strip()


def stockroom(*arguments):
    subprocess.run([os.path.join(BIN, "stockroom"), *arguments], check=True, stdout=subprocess.DEVNULL)


def start_web(workdir, name="web", **settings):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1024)
    notify_path = os.path.join(workdir, "notify-" + name)
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(notify_path)
    notify.settimeout(20)
    # Access logs at info would time the terminal, not the server.
    env = dict(os.environ, NOTIFY_SOCKET=notify_path, LISTEN_FDNAMES="web", LISTEN_FDS="1", STOCKROOM_LOG_LEVEL="warning", **settings)
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


def start_proxy(workdir, web_port, static_root):
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    env = dict(os.environ, STOCKROOM_STATIC_ROOT=static_root, STOCKROOM_WEB_SOCKET=f"127.0.0.1:{web_port}",
               STOCKROOM_ACCESS_LOG="off", STOCKROOM_LOG_LEVEL="warning")
    with open(os.path.join(workdir, "proxy.log"), "w") as log:
        process = subprocess.Popen([os.path.join(BIN, "stockroom-proxy"), "--listen", f"http=127.0.0.1:{port}"], env=env,
                                   stdout=subprocess.DEVNULL, stderr=log)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            time.sleep(0.05)
    process.kill()
    sys.exit("stockroom-proxy: not listening within 10 s")


def wrk(url, token, script=None):
    command = ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", DURATION, "--latency", "-H", f"Authorization: Token {token}"]
    if script:
        command += ["-s", script]
    out = subprocess.run(command + [url], check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"\s50%\s+([\d.]+\w+)", out).group(1)
    p99 = re.search(r"\s99%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, p50, p99, int(errors.group(1)) if errors else 0


# What every read after a committed change costs: the rows rendered from PostgreSQL, none from the row cache.
UNCACHED = "reference: the first read after a change"


def transfer_setup(items):
    """Two stockable locations and 16 whole items (no serial, quantity > 0, in stock) that wrk/transfer.lua moves."""
    locations = psql("SELECT id FROM stock_stocklocation WHERE NOT structural ORDER BY id LIMIT 2").split()
    rows = psql(f"""SELECT s.id, s.quantity FROM stock_stockitem s WHERE s.quantity > 0 AND coalesce(s.serial, '') = ''
                    AND s.status = 10 AND s.belongs_to_id IS NULL AND s.customer_id IS NULL AND s.sales_order_id IS NULL
                    AND s.consumed_by_id IS NULL AND NOT s.is_building ORDER BY s.id LIMIT {items}""").split("\n")
    return locations, [row.split("|") for row in rows]


def rows_for(token, web_port, uncached_port, proxy_port, media, workdir, goal_p99):
    part = psql("SELECT min(id) FROM part_part")
    locations, items = transfer_setup(16)
    script = os.path.join(workdir, "transfer.lua")
    with open(os.path.join(HERE, "wrk", "transfer.lua")) as template:
        text = template.read()
    text = text.replace("@THREADS@", str(THREADS)).replace("@LOCATIONS@", "{" + ",".join(locations) + "}")
    text = text.replace("@ITEMS@", "{" + ",".join("{%s,%s}" % (pk, quantity) for pk, quantity in items) + "}")
    with open(script, "w") as out:
        out.write(text)
    web = f"http://127.0.0.1:{web_port}"
    proxy = f"http://127.0.0.1:{proxy_port}"
    list_goal = f">= {100 * INVENTREE_PART_LIST:.0f}/s (100x InvenTree's part list)"
    get = f", p99 < {goal_p99} ms"
    return [
        ("GET /api/part/?limit=50", web + "/api/part/?limit=50", None, f">= {100 * INVENTREE_PART_LIST:.0f}/s{get}"),
        ("GET /api/stock/?limit=50&part_detail=true", web + "/api/stock/?limit=50&part_detail=true", None, list_goal + get),
        ("GET /api/part/<pk>/", f"{web}/api/part/{part}/", None, f">= {100 * INVENTREE_PART_DETAIL:.0f}/s{get}"),
        ("GET /api/part/?limit=50 (row cache off)", f"http://127.0.0.1:{uncached_port}/api/part/?limit=50", None, UNCACHED),
        ("GET /api/part/<pk>/ (row cache off)", f"http://127.0.0.1:{uncached_port}/api/part/{part}/", None, UNCACHED),
        ("POST /api/stock/transfer/ (whole item, 2 locations)", web + "/api/stock/transfer/", script, list_goal),
        (f"GET /media/{media} (token, stockroom-proxy)", f"{proxy}/media/{media}", None, ">= 70% of static"),
        (f"GET /static/{media} (same file, stockroom-proxy)", f"{proxy}/static/{media}", None, "reference"),
    ]


def measure(title, rows, token):
    print(f"| request ({title}, {CONNECTIONS} connections, wrk {DURATION}) | requests/s | p50 | p99 | goal |")
    print("| --- | --- | --- | --- | --- |")
    rates = {}
    for label, url, script, goal in rows:
        warm = ["wrk", "-t", str(THREADS), "-c", "4", "-d", "1s", "-H", f"Authorization: Token {token}"] + (["-s", script] if script else [])
        subprocess.run(warm + [url], check=True, capture_output=True)
        rate, p50, p99, errors = wrk(url, token, script)
        rates[label] = rate
        note = f" ({errors} non-2xx)" if errors else ""
        if label.startswith("GET /static/"):
            media_rate = next(r for l, r in rates.items() if l.startswith("GET /media/"))
            goal = f"reference (media: {100 * media_rate / rate:.0f}% of this)"
        print(f"| {label} | {rate:.0f}{note} | {p50} | {p99} | {goal} |", flush=True)


def main():
    with tempfile.TemporaryDirectory() as workdir:
        os.environ["STOCKROOM_MEDIA_ROOT"] = os.path.join(workdir, "media")
        stockroom("import-inventree", os.path.join(DEMO, "inventree_data_api530.json"), "--media", os.path.join(DEMO, "media"),
                  "--replace")
        psql("ANALYZE")
        token = "inv-bench-" + secrets.token_hex(20)
        psql(f"INSERT INTO users_apitoken (key, name, user_id) SELECT '{token}', 'bench', id FROM auth_user WHERE username = 'admin'")
        media = psql("SELECT image FROM part_part WHERE image LIKE '%.jpg' OR image LIKE '%.png' ORDER BY id LIMIT 1")
        static_root = os.path.join(workdir, "static")
        os.makedirs(os.path.dirname(os.path.join(static_root, media)), exist_ok=True)
        shutil.copyfile(os.path.join(os.environ["STOCKROOM_MEDIA_ROOT"], media), os.path.join(static_root, media))
        web_pid, web_port = start_web(workdir)
        uncached_pid, uncached_port = start_web(workdir, "uncached", STOCKROOM_ROW_CACHE_BYTES="0")
        proxy, proxy_port = start_proxy(workdir, web_port, static_root)
        try:
            measure("demo dataset", rows_for(token, web_port, uncached_port, proxy_port, media, workdir, 10), token)
            if LARGE:
                started = time.monotonic()
                stockroom("generate-demo", "--parts", str(LARGE_PARTS), "--stock", str(LARGE_STOCK), "--locations", str(LARGE_LOCATIONS))
                generated = time.monotonic() - started
                psql("VACUUM ANALYZE")
                counts = psql("SELECT (SELECT count(*) FROM part_part) || ' parts, ' || (SELECT count(*) FROM stock_stockitem) "
                              "|| ' stock items, ' || (SELECT count(*) FROM stock_stocklocation) || ' locations'")
                print()
                print(f"Large inventory: demo dataset + `stockroom generate-demo --parts {LARGE_PARTS} --stock {LARGE_STOCK} "
                      f"--locations {LARGE_LOCATIONS}` ({counts}), generated in {generated:.1f} s.")
                print()
                measure("large inventory", rows_for(token, web_port, uncached_port, proxy_port, media, workdir, 20), token)
        finally:
            proxy.terminate()
            proxy.wait()
            for pid in (web_pid, uncached_pid):
                os.kill(pid, 15)
                os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
