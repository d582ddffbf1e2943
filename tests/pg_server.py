"""A throwaway PostgreSQL server for the tests: real `initdb` + `pg_ctl`, loopback only.

`PostgresServer.start()` finds the server binaries (on PATH, else Debian's
versioned `/usr/lib/postgresql/<version>/bin`, else — as root — installs Debian's
`postgresql` package with apt), initialises a cluster in a fresh temporary
folder, and starts it on a free loopback port with its socket in that folder.
PostgreSQL refuses to run as root, so under root (CI) every server command runs
as the `postgres` system user, which owns the folder.

The cluster trusts local connections (it listens on 127.0.0.1 only and lives
for one test session), runs with fsync off (nothing in it must survive a crash
of the machine), and is stopped and deleted by `stop()`.

Nothing here skips: when a server cannot be had, `PostgresError` says why and
the tests that need it fail.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "doxguard"
START_TIMEOUT = 60  # seconds pg_ctl waits for the server to accept connections


class PostgresError(RuntimeError):
    """The test PostgreSQL server could not be found, installed or started."""


def _run(cmd: list[str], *, user: str | None = None, timeout: float = 120) -> str:
    try:
        done = subprocess.run(
            cmd, user=user, capture_output=True, text=True, timeout=timeout, check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PostgresError(f"{cmd[0]}: {exc}") from exc
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise PostgresError(f"{' '.join(cmd[:2])} failed ({done.returncode}): {' | '.join(tail)}")
    return done.stdout


def _bin_dir() -> Path | None:
    """Where initdb/pg_ctl/postgres live: PATH first, then Debian's versioned folders."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(os.path.realpath(found)).parent
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: int(Path(p).parts[4]) if Path(p).parts[4].isdigit() else 0,
    )
    return Path(versions[-1]).parent if versions else None


def _install_with_apt() -> None:
    """Debian's server package (CI machines are clean and run as root)."""
    env_note = "install Debian's 'postgresql' package (apt-get install postgresql)"
    if os.geteuid() != 0:
        raise PostgresError(f"PostgreSQL server binaries not found: {env_note}")
    if not shutil.which("apt-get"):
        raise PostgresError(f"PostgreSQL server binaries not found and no apt-get: {env_note}")
    os.environ.setdefault("DEBIAN_FRONTEND", "noninteractive")
    _run(["apt-get", "update", "-q"], timeout=600)
    _run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "postgresql"],
         timeout=900)


def find_binaries() -> Path:
    """The server's bin folder, installing the package when it is missing and we may."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        _install_with_apt()
        bin_dir = _bin_dir()
    if bin_dir is None or not (bin_dir / "initdb").exists():
        raise PostgresError("PostgreSQL server binaries (initdb, pg_ctl) not found after install")
    return bin_dir


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """One cluster in a temporary folder; `start()`, use `dsn()`, `stop()`."""

    def __init__(self) -> None:
        self.bin_dir: Path | None = None
        self.root: Path | None = None
        self.port = 0
        self.user: str | None = None  # the system user that runs the server (root: postgres)
        self._options = ""

    @property
    def data_dir(self) -> Path:
        assert self.root is not None
        return self.root / "data"

    def _as_server_user(self, cmd: list[str], timeout: float = 120) -> str:
        return _run(cmd, user=self.user, timeout=timeout)

    def start(self) -> PostgresServer:
        self.bin_dir = find_binaries()
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresError(
                    "running as root and there is no 'postgres' system user to run the "
                    "server as (PostgreSQL refuses root)") from None
            self.user = "postgres"
        # not under pytest's tmp folders: those are private to root, the server user
        # must be able to reach its own folder
        self.root = Path(tempfile.mkdtemp(prefix="doxguard-pg-"))
        if self.user is not None:
            os.chown(self.root, account.pw_uid, account.pw_gid)
        os.chmod(self.root, 0o700)
        self._as_server_user([
            str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-U", SUPERUSER,
            "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync",
        ])
        last: PostgresError | None = None
        for _attempt in range(3):  # a free port can be taken between probe and bind
            self.port = free_port()
            options = (
                f"-p {self.port} -c listen_addresses=127.0.0.1 "
                f"-c unix_socket_directories={self.root} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
            )
            self._options = options
            try:
                self.resume()
                return self
            except PostgresError as exc:
                last = exc
        log_tail = ""
        with contextlib.suppress(OSError):
            log_tail = " | ".join((self.root / "server.log").read_text().splitlines()[-5:])
        self.stop()
        raise PostgresError(f"the test PostgreSQL server did not start: {last} {log_tail}")

    def resume(self) -> None:
        """Start the (initialised or stopped) cluster on its port and wait until it accepts."""
        assert self.bin_dir is not None and self.root is not None
        self._as_server_user([
            str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-o", self._options,
            "-l", str(self.root / "server.log"), "-w", "-t", str(START_TIMEOUT), "start",
        ], timeout=START_TIMEOUT + 30)

    def pause(self) -> None:
        """Stop the server (fast shutdown: clients are cut off) but keep its data."""
        assert self.bin_dir is not None
        self._as_server_user([str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir),
                              "-m", "fast", "-w", "stop"], timeout=60)

    def dsn(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL with the cluster's own psql (as any user: it connects over TCP)."""
        assert self.bin_dir is not None
        psql = self.bin_dir / "psql"
        exe = str(psql) if psql.exists() else (shutil.which("psql") or "psql")
        return _run([exe, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-d", self.dsn(database),
                     "-c", sql], timeout=60)

    def create_database(self, name: str) -> str:
        """A fresh, empty database; returns its DSN."""
        self.psql(f'CREATE DATABASE "{name}"')
        return self.dsn(name)

    def kill_connections(self, database: str) -> None:
        """Cut every client of `database` (a lost connection, as the bot would see it)."""
        self.psql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{database}' AND pid <> pg_backend_pid()"
        )

    def stop(self) -> None:
        if self.root is None:
            return
        if self.bin_dir is not None and (self.data_dir / "postmaster.pid").exists():
            with contextlib.suppress(PostgresError):
                self._as_server_user([str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir),
                                      "-m", "immediate", "-w", "stop"], timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None
