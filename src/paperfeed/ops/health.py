"""/readyz: whether this replica should get traffic — its database answers on a current
schema, Redis answers (when configured), and its keyword index is not far behind."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, text

from paperfeed.db.migrate import current_revision

if TYPE_CHECKING:
    from paperfeed.config import Settings
    from paperfeed.search.indexes import SearchIndexes

log = logging.getLogger(__name__)
MAX_LAG = 30.0  # seconds the keyword index may know of papers it does not hold yet


def readiness(settings: Settings, engine: Engine, indexes: SearchIndexes) -> dict[str, Any]:
    """Each check's finding, and `ready`: all of them pass."""
    checks: dict[str, Any] = {"database": _database(engine)}
    if settings.redis_url:
        checks["redis"] = _redis(settings.redis_url)
    lag = indexes.lag_seconds()
    checks["index_lag_seconds"] = round(lag, 1)
    checks["index"] = (
        "ok"
        if lag <= MAX_LAG and not indexes.repairing("keyword")
        else ("building" if indexes.repairing("keyword") else f"behind by {lag:.0f} s")
    )
    ready = all(checks[k] == "ok" for k in ("database", "redis", "index") if k in checks)
    return {"ready": ready, **checks}


def _database(engine: Engine) -> str:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return schema_problem(engine) or "ok"
    except Exception as exc:  # any failure is "not ready", said in one line
        log.warning("readiness: database check failed", exc_info=True)
        return f"unreachable: {type(exc).__name__}"


def schema_problem(engine: Engine) -> str | None:
    """None when the database's schema is the one this code was written for; otherwise
    what is wrong and what to do, starting "schema newer" when no upgrade can help."""
    found, wanted = current_revision(engine), _head(engine)
    if found == wanted:
        return None
    if found is None:
        return f"no schema: run `paperfeed db upgrade` (this code needs revision {wanted})"
    if found not in _known(engine):
        return (
            f"schema newer than this code: the database is at revision {found}, which this "
            f"paperfeed does not know (it needs {wanted}); deploy the code that upgraded it"
        )
    return f"schema revision {found}, this code needs {wanted}: run `paperfeed db upgrade`"


@lru_cache(maxsize=1)
def _scripts(url: str, engine: Engine) -> tuple[str | None, frozenset[str]]:
    from alembic.script import ScriptDirectory

    from paperfeed.db.migrate import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config(engine))
    return scripts.get_current_head(), frozenset(s.revision for s in scripts.walk_revisions())


def _head(engine: Engine) -> str | None:
    return _scripts(engine.url.render_as_string(), engine)[0]


def _known(engine: Engine) -> frozenset[str]:
    return _scripts(engine.url.render_as_string(), engine)[1]


def _redis(url: str) -> str:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        client.ping()
        return "ok"
    except Exception as exc:
        return f"unreachable: {type(exc).__name__}"
