"""A PostgreSQL primary and its streaming replica, as private clusters on free ports: initdb,
pg_basebackup -R into a second cluster, both started with pg_ctl (as the postgres user when
the tests run as root, which PostgreSQL refuses to run as)."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import psycopg
import pytest


def _bindir() -> Path | None:
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True, check=False)
        bindir = Path(out.stdout.strip())
        if (bindir / "initdb").exists():
            return bindir
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


def replica_problem() -> str | None:
    """Why a primary and replica cannot be started here, or None."""
    if _bindir() is None:
        return "PostgreSQL's server programs (initdb, pg_ctl, pg_basebackup) are not installed"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: PostgreSQL refuses to run as root"
    return None


def require_replica() -> None:
    """Skip the test when a primary and replica cannot be started here; in CI, fail."""
    problem = replica_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"a streaming replica is required in CI: {problem}")
        pytest.skip(problem)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrimaryWithReplica:
    """`with PrimaryWithReplica() as pair:` pair.primary_url and pair.replica_url
    (postgresql+psycopg://, database `postgres`); pause_replay()/resume_replay() on the
    replica; stop_replica()/start_replica()."""

    def __init__(self) -> None:
        bindir = _bindir()
        assert bindir is not None, replica_problem()
        self.bin = bindir
        self.root = Path(tempfile.mkdtemp(prefix="paperfeed-pg-"))
        self.primary_port = _free_port()
        self.replica_port = _free_port()

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stderr.strip() or done.stdout.strip()}")

    def _ctl(self, name: str, action: str, port: int = 0) -> None:
        data = self.root / name
        if action == "start":
            options = (
                f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root}"
                " -c fsync=off -c max_connections=200"
            )
            self._run("pg_ctl", "-D", str(data), "-l", f"{data}.log", "-w", "-o", options, "start")
        else:
            self._run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")

    def __enter__(self) -> PrimaryWithReplica:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        primary = self.root / "primary"
        self._run("initdb", "-D", str(primary), "--auth=trust", "-U", "postgres", "--no-sync")
        with (primary / "pg_hba.conf").open("a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        self._ctl("primary", "start", self.primary_port)
        self._run(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres"),
            *("-D", str(self.root / "replica"), "-R", "-X", "stream"),
        )
        self.start_replica()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        for name in ("replica", "primary"):
            with contextlib.suppress(RuntimeError):  # already stopped
                self._ctl(name, "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, port: int, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{port}/{database}"

    @property
    def primary_url(self) -> str:
        return self.url(self.primary_port)

    @property
    def replica_url(self) -> str:
        return self.url(self.replica_port)

    def _replica_sql(self, sql: str) -> object:
        dsn = f"postgresql://postgres@127.0.0.1:{self.replica_port}/postgres"
        with psycopg.connect(dsn, autocommit=True) as conn:
            row = conn.execute(sql).fetchone()
            return row[0] if row else None

    def pause_replay(self) -> None:
        self._replica_sql("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        self._replica_sql("SELECT pg_wal_replay_resume()")

    def caught_up(self, timeout: float = 30.0) -> None:
        """Wait until the replica has replayed all the primary has written."""
        dsn = f"postgresql://postgres@127.0.0.1:{self.primary_port}/postgres"
        with psycopg.connect(dsn, autocommit=True) as conn:
            row = conn.execute("SELECT pg_current_wal_lsn()::text").fetchone()
        assert row is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            behind = self._replica_sql(
                f"SELECT pg_wal_lsn_diff('{row[0]}', pg_last_wal_replay_lsn()) > 0"
            )
            if not behind:
                return
            time.sleep(0.05)
        raise AssertionError(f"the replica did not catch up within {timeout} s")

    def stop_replica(self) -> None:
        self._ctl("replica", "stop")

    def start_replica(self) -> None:
        self._ctl("replica", "start", self.replica_port)
