"""What the tests of deploy/ share: where the files are, free ports, temporary folders another user can use, and
running a program as the `postgres` user when the tests run as root (PostgreSQL and PgBouncer refuse root)."""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time

import yaml

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEPLOY = os.path.join(REPO, "deploy")


def deploy_path(*parts):
    return os.path.join(DEPLOY, *parts)


def read(*parts):
    with open(deploy_path(*parts), encoding="utf-8") as f:
        return f.read()


def load_yaml(*parts):
    return yaml.safe_load(read(*parts))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process=None, timeout=15.0, what="the server"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"{what} exited with {process.returncode} before listening on {port}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} did not listen on 127.0.0.1:{port} within {timeout} s")


def is_root():
    return os.geteuid() == 0


def as_postgres():
    """subprocess arguments that run a program as the `postgres` user when we are root (signals then reach the
    program itself, not a runuser in between); none otherwise."""
    return {"user": "postgres", "group": "postgres", "extra_groups": []} if is_root() else {}


def shared_temp_dir(add_cleanup, prefix):
    """A temporary folder removed by `add_cleanup` (a test's addCleanup or a class's addClassCleanup); when root,
    owned by `postgres` so servers running as it can write there."""
    path = tempfile.mkdtemp(prefix=prefix)
    os.chmod(path, 0o755)
    if is_root():
        entry = pwd.getpwnam("postgres")
        os.chown(path, entry.pw_uid, entry.pw_gid)
    add_cleanup(shutil.rmtree, path, True)
    return path


def chown_postgres(*paths):
    if is_root():
        entry = pwd.getpwnam("postgres")
        for path in paths:
            os.chown(path, entry.pw_uid, entry.pw_gid)


def pg_bindir():
    """Debian's newest PostgreSQL binaries (psql, initdb, postgres, pg_isready)."""
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(d.split("/")[-2]))
    if not dirs:
        raise AssertionError("PostgreSQL is not installed under /usr/lib/postgresql (scripts/lib.sh ensure_postgresql)")
    return dirs[-1]


def test_server():
    """The test PostgreSQL of the test command, from the Npgsql-style TOVPLAY_TEST_PG (trust authentication)."""
    text = os.environ.get("TOVPLAY_TEST_PG")
    if not text:
        raise AssertionError("TOVPLAY_TEST_PG is not set: run these tests through test.sh, which starts PostgreSQL "
                             "(e.g. TOVPLAY_TEST_PG='Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres')")
    keys = {k.strip().lower(): v.strip() for k, v in (p.split("=", 1) for p in text.split(";") if "=" in p)}
    return {"host": keys.get("host", "127.0.0.1"), "port": int(keys.get("port", "5432")),
            "user": keys.get("username", keys.get("user id", "postgres")), "database": keys.get("database", "postgres")}


def run(argv, timeout=60, **kwargs):
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kwargs)


def stop(process, timeout=10):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)
