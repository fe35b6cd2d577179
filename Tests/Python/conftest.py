"""A whole Stockroom stack for the client tests: a fresh database in the private PostgreSQL that
scripts/with-services started, the demo dataset imported, and `stockroom run` in front of it."""
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import time

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
BIN = pathlib.Path(os.environ.get("STOCKROOM_RELEASE_BIN", REPO / ".build" / "release"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, env, timeout=300):
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def fresh_database(name):
    admin = os.environ["STOCKROOM_TEST_DATABASE_URL"]
    psql = ["psql", admin, "-v", "ON_ERROR_STOP=1", "-q", "-c"]
    subprocess.run(psql + [f"DROP DATABASE IF EXISTS {name}"], check=True)
    subprocess.run(psql + [f"CREATE DATABASE {name}"], check=True)
    return f"postgresql://postgres@/{name}?host={os.environ['STOCKROOM_TEST_PG_SOCKET_DIR']}"


class Stack:
    def __init__(self, name, load):
        self.scratch = pathlib.Path(os.environ["STOCKROOM_TEST_DIR"]) / f"python-{name}"
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.scratch.mkdir(parents=True)
        self.env = {
            "PATH": "/usr/bin:/bin:/usr/sbin:/sbin",
            "STOCKROOM_CONFIG": "/dev/null",
            "STOCKROOM_DATABASE_URL": fresh_database(f"py_{name}"),
            "STOCKROOM_REDIS_URL": os.environ["STOCKROOM_TEST_REDIS_URL"],
            "STOCKROOM_MEDIA_ROOT": str(self.scratch / "media"),
        }
        run([BIN / "stockroom", "migrate"], self.env)
        load(self)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(self.scratch / "run.log", "w")
        self.process = subprocess.Popen(
            [BIN / "stockroom", "run", "--port", str(self.port), "--state-dir", str(self.scratch / "state")],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while "daemons ready on" not in (self.scratch / "run.log").read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("stockroom run did not become ready:\n" + (self.scratch / "run.log").read_text())
            time.sleep(0.1)

    def stockroom(self, *args):
        return run([BIN / "stockroom", *args], self.env)

    def stop(self):
        self.process.send_signal(signal.SIGINT)
        status = self.process.wait(timeout=60)
        self.log.close()
        assert status == 0, (self.scratch / "run.log").read_text()


def import_demo(stack):
    stack.stockroom("import-inventree", str(SHARED / "demo-dataset" / "inventree_data_api530.json"),
                    "--media", str(SHARED / "demo-dataset" / "media"))


@pytest.fixture(scope="session")
def demo_stack():
    stack = Stack("demo", import_demo)
    yield stack
    stack.stop()
