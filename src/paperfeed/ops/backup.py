"""`paperfeed backup DEST` and `paperfeed restore SRC`: a consistent snapshot taken while the
site runs, and brought back into a fresh folder or database.

A backup folder holds the database (SQLite: a copy made through SQLite's online backup API;
PostgreSQL: `pg_dump --format=custom`, one consistent snapshot), the secret key when it
lives in the data folder (it signs unsubscribe links: old mails keep working), and
backup.json (what, when, which schema). Thumbnails are rows of the database and come along;
search indexes and page caches are derived: left out, and rebuilt from the database after a
restore."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.engine import make_url

from paperfeed import __version__
from paperfeed.db.migrate import current_revision

if TYPE_CHECKING:
    from paperfeed.config import Settings

MANIFEST = "backup.json"
SQLITE_FILE = "paperfeed.db"
PG_FILE = "paperfeed.dump"
KEY_FILE = "secret.key"
DERIVED = ("index", "metrics", "models")  # under DATA_DIR: rebuilt, never restored


class BackupError(RuntimeError):
    """What went wrong, said for the operator (the CLI prints it)."""


@dataclass
class Snapshot:
    folder: Path
    manifest: dict[str, Any]


def backup(settings: Settings, engine: Engine, dest: Path) -> Snapshot:
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty: give a new folder for the backup")
    dest.mkdir(parents=True, exist_ok=True)
    dialect = engine.dialect.name
    if dialect == "sqlite":
        _sqlite_backup(str(make_url(settings.sqlalchemy_url).database), dest / SQLITE_FILE)
    else:
        _run(["pg_dump", "--format=custom", f"--file={dest / PG_FILE}", _libpq(engine)])
    key = settings.data_dir / KEY_FILE
    if settings.secret_key is None and key.exists():
        shutil.copy2(key, dest / KEY_FILE)
    manifest = {
        "made_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "paperfeed": __version__,
        "database": dialect,
        "revision": current_revision(engine),
        "rows": row_counts(engine),
        "secret_key": "included" if (dest / KEY_FILE).exists() else "PAPERFEED_SECRET_KEY",
    }
    (dest / MANIFEST).write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    return Snapshot(dest, manifest)


def restore(settings: Settings, engine: Engine, src: Path) -> Snapshot:
    manifest = _manifest(src)
    dialect = engine.dialect.name
    if manifest["database"] != dialect:
        raise BackupError(
            f"{src} holds a {manifest['database']} backup; the target database is {dialect}"
        )
    if inspect(engine).get_table_names():
        raise BackupError(
            f"{engine.url.render_as_string()} already has tables: restore into a new, empty "
            "database (or folder)"
        )
    if dialect == "sqlite":
        engine.dispose()
        _sqlite_backup(
            str(src / SQLITE_FILE), Path(str(make_url(settings.sqlalchemy_url).database))
        )
    else:
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                f"--dbname={_libpq(engine)}",
                str(src / PG_FILE),
            ]
        )
    for name in DERIVED:  # a data folder reused: its indexes describe another database
        shutil.rmtree(settings.data_dir / name, ignore_errors=True)
    if (src / KEY_FILE).exists() and not (settings.data_dir / KEY_FILE).exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src / KEY_FILE, settings.data_dir / KEY_FILE)
    return Snapshot(src, manifest)


def row_counts(engine: Engine) -> dict[str, int]:
    from paperfeed.db.models import Base

    with engine.connect() as conn:
        return {
            str(t.name): int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in Base.metadata.sorted_tables
        }


def _manifest(src: Path) -> dict[str, Any]:
    try:
        found: dict[str, Any] = orjson.loads((src / MANIFEST).read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise BackupError(f"{src / MANIFEST}: not a paperfeed backup ({exc})") from exc
    return found


def _sqlite_backup(source: str, target: Path) -> None:
    """SQLite's online backup: a consistent copy while writers go on."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


def _libpq(engine: Engine) -> str:
    """The engine's URL as pg_dump and pg_restore read it (no SQLAlchemy driver part)."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is needed (Debian: apt install postgresql-client)")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(f"{command[0]} failed: {last[-1] if last else done.returncode}")
