"""`scripts/services.sh` on a machine where PostgreSQL and Redis are not installed yet.

A fresh machine is simulated without uninstalling anything: the script runs with a PATH where
`redis-server` and `redis-cli` are hidden, an empty PostgreSQL root (PG_ROOT), and a stand-in
`apt-get` that prints chatter full of quotes and apostrophes on both streams, as the real one does,
then "installs" the packages by linking the real servers in. This once failed with
"eval: unexpected EOF while looking for matching `''" because the script evaluated what it printed.

Runs in `make scale`, after the real script installed both servers (their binaries are reused).
"""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from stack import free_ports  # noqa: E402

HIDDEN = {"redis-server", "redis-cli", "apt-get"}

FAKE_APT_GET = r"""#!/bin/bash
# Stand-in for apt-get: chatter with quotes on both streams, then links the real servers in.
echo "$*" >> "$FAKE_APT_LOG"
echo "Lecture des listes de paquets... Fait 'quoted' \"double\" l'apostrophe \`tick"
echo "W: Can't check the signature of 'bookworm' (it's a test) \"really\"" >&2
if [ "$1" = install ]; then
  for package in "$@"; do
    case "$package" in
      redis-server)
        ln -sf "$REAL_REDIS_SERVER" "$FAKE_BIN/redis-server"
        ln -sf "$REAL_REDIS_CLI" "$FAKE_BIN/redis-cli" ;;
      postgresql)
        ln -sf "$REAL_PG_VERSION_DIR" "$PG_ROOT/" ;;
    esac
  done
  echo "Setting up redis-server (5:7.0) ... it's done, isn't it? 'unbalanced"
fi
"""


def real_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed: `make scale` installs it before this test runs")
    return os.path.realpath(found)


def real_postgres_version_dir() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not versions:
        pytest.skip("PostgreSQL is not installed: `make scale` installs it before this test runs")
    return versions[-1].parent.parent


@pytest.fixture
def fresh_machine():
    """Environment of a machine without PostgreSQL and Redis, and the folders it uses."""
    real = {"REAL_REDIS_SERVER": real_tool("redis-server"), "REAL_REDIS_CLI": real_tool("redis-cli"),
            "REAL_PG_VERSION_DIR": str(real_postgres_version_dir())}
    # Under /tmp and world-readable: the `postgres` user runs the cluster from there.
    work = Path(tempfile.mkdtemp(prefix="services-test-", dir="/tmp"))
    work.chmod(0o755)
    fake_bin, pg_root = work / "bin", work / "pg"
    fake_bin.mkdir()
    pg_root.mkdir()
    for directory in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(directory):
            continue
        for entry in os.scandir(directory):
            target = fake_bin / entry.name
            if entry.name not in HIDDEN and not target.exists():
                target.symlink_to(entry.path)
    apt_get = fake_bin / "apt-get"
    apt_get.write_text(FAKE_APT_GET)
    apt_get.chmod(apt_get.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    pg_port, redis_port = free_ports(2)
    env = {**os.environ, **real, "PATH": str(fake_bin), "FAKE_BIN": str(fake_bin), "PG_ROOT": str(pg_root),
           "FAKE_APT_LOG": str(work / "apt-get.log"), "SERVICES_DIR": str(work / "services"),
           "PG_PORT": str(pg_port), "REDIS_PORT": str(redis_port)}
    try:
        yield env, work
    finally:
        subprocess.run(["bash", str(ROOT / "scripts/services.sh"), "stop"], env=env, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


def test_run_installs_the_missing_servers_and_hands_their_urls_to_the_command(fresh_machine):
    env, work = fresh_machine
    command = ('echo "postgres=$TEST_POSTGRES_URL"; echo "redis=$TEST_REDIS_URL"; '
               'redis-cli -p "$REDIS_PORT" ping; psql "$TEST_POSTGRES_URL" -tAc "select 40 + 2"')
    result = subprocess.run(["bash", str(ROOT / "scripts/services.sh"), "run", "bash", "-c", command],
                            env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert "install" in (work / "apt-get.log").read_text(), "the stand-in apt-get was not asked to install"
    assert result.stdout.splitlines() == [
        f"postgres=postgresql://postgres@127.0.0.1:{env['PG_PORT']}/postgres",
        f"redis=redis://127.0.0.1:{env['REDIS_PORT']}/0",
        "PONG",
        "42",
    ]
    # apt-get's chatter of both streams is shown to the person, on standard error.
    assert "it's done, isn't it?" in result.stderr and "Can't check the signature" in result.stderr
    # Both servers are stopped and their data deleted once the command has run.
    assert not (work / "services").exists()


def test_start_prints_only_the_settings_on_standard_output(fresh_machine):
    env, _ = fresh_machine
    result = subprocess.run(["bash", str(ROOT / "scripts/services.sh"), "start"],
                            env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:{env['PG_PORT']}/postgres",
        f"TEST_REDIS_URL=redis://127.0.0.1:{env['REDIS_PORT']}/0",
    ]
    assert "Lecture des listes de paquets" in result.stderr
