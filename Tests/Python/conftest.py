"""Whole Stockroom stacks for the client tests: a fresh database in the private PostgreSQL that
scripts/with-services started, a dataset imported, and `stockroom run` in front of it.

`demo_stack` holds InvenTree's demo dataset (four users with different roles); `fixtures_stack` holds
the fixtures InvenTree's own test server loads for the Python client's test suite, with that suite's
superuser testuser/testpassword."""
import json
import os
import pathlib
import shutil
import signal
import socket
import struct
import subprocess
import time
import zlib

import pytest
from inventree.api import InvenTreeAPI

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
            # outside the state directory: `stockroom run` must serve the configured media root
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


DEMO_MEDIA = SHARED / "demo-dataset" / "media"


def import_demo(stack):
    stack.stockroom("import-inventree", str(SHARED / "demo-dataset" / "inventree_data_api530.json"),
                    "--media", str(DEMO_MEDIA))
    stack.media_source = DEMO_MEDIA


FIXTURES_USER = ("testuser", "testpassword")


def import_fixtures(stack):
    stack.stockroom("import-inventree", str(SHARED / "inventree-fixtures"))
    password_file = stack.scratch / "testuser.password"
    password_file.write_text(FIXTURES_USER[1] + "\n")
    stack.stockroom("createsuperuser", "--username", FIXTURES_USER[0], "--email", "testuser@example.com",
                    "--password-file", str(password_file))


@pytest.fixture(scope="session")
def demo_stack():
    stack = Stack("demo", import_demo)
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def fixtures_stack():
    stack = Stack("fixtures", import_fixtures)
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def api(fixtures_stack):
    """The client signed in as the fixtures' superuser, with token authentication as the client's own tests use."""
    username, password = FIXTURES_USER
    return InvenTreeAPI(fixtures_stack.url, username=username, password=password, timeout=30,
                        token_name="python-test", use_token_auth=True)


@pytest.fixture
def png_file(tmp_path):
    """A real 2x2 PNG image on disk."""
    path = tmp_path / "dummy_image.png"
    path.write_bytes(png_bytes())
    return path


def png_bytes(width=2, height=2, rgb=(255, 0, 0)):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def http_error(excinfo):
    """Status and decoded JSON body of the HTTPError the client raised (InvenTreeAPI.request puts them in its detail)."""
    detail = excinfo.value.args[0]
    try:
        body = json.loads(detail["body"])
    except ValueError:
        body = detail["body"]
    return detail["status_code"], body
