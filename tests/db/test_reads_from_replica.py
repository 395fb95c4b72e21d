"""PAPERFEED_DATABASE_READ_URL against a real streaming replica (pg_basebackup into a second
cluster): visitors' reads come from the replica (shown by pausing its replay), a writer reads
their own write at once, and a replica that is down costs nothing but its speed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine

from paperfeed.app import create_app
from paperfeed.config import Settings
from paperfeed.db.engine import make_engine
from paperfeed.db.migrate import upgrade
from paperfeed.db.replica import COOKIE, parse_lsn
from tests import records as R
from tests.community.conftest import Inbox, sign_up, smtp  # noqa: F401  (fixture used here)
from tests.replica import PrimaryWithReplica, require_replica
from tests.web.conftest import PAPERS, THU, store

PAGE = "/papers/2608.00004"
LATE = R.Rec(id="2608.00009", title="A paper the replica has not seen", versions=[THU])


@pytest.fixture(scope="module")
def pair() -> Iterator[PrimaryWithReplica]:
    require_replica()
    with PrimaryWithReplica() as started:
        engine = make_engine(started.primary_url)
        upgrade(engine)
        store(engine, PAPERS)
        engine.dispose()
        started.caught_up()
        yield started


@pytest.fixture
def primary(pair: PrimaryWithReplica) -> Iterator[Engine]:
    engine = make_engine(pair.primary_url)
    yield engine
    engine.dispose()


@pytest.fixture
def app_settings(pair: PrimaryWithReplica, tmp_path: Path, smtp: tuple[Inbox, int]) -> Settings:  # noqa: F811
    return Settings(
        data_dir=tmp_path / "data",
        database_url=pair.primary_url,
        database_read_url=pair.replica_url,
        smtp_url=f"smtp://127.0.0.1:{smtp[1]}",
        base_url="http://testserver",
        rate_limit_auth="1000/minute",
        rate_limit_write="1000/minute",
    )


def test_visitors_read_the_replica_and_a_writer_reads_their_write(
    pair: PrimaryWithReplica,
    primary: Engine,
    app_settings: Settings,
    smtp: tuple[Inbox, int],  # noqa: F811
) -> None:
    app = create_app(app_settings, primary)
    with (
        TestClient(app, raise_server_exceptions=False) as alice,
        TestClient(app, raise_server_exceptions=False) as visitor,
    ):
        sign_up(alice, smtp[0], "alice@example.org", "Alice")
        assert visitor.get(PAGE).status_code == 200  # kept under the replica's generation
        pair.caught_up()
        pair.pause_replay()
        try:
            r = alice.post(
                f"{PAGE}/comments",
                data={"body": "Seen on the primary", "csrf_token": alice.cookies["pf_csrf"]},
                follow_redirects=False,
            )
            assert r.status_code == 303, r.text
            assert parse_lsn(alice.cookies.get(COOKIE)) is not None
            store(primary, [LATE])  # as a harvest on another host would

            assert "Seen on the primary" in alice.get(PAGE).text  # her write, read back
            assert "Seen on the primary" not in visitor.get(PAGE).text  # the paused replica
            assert visitor.get("/papers/2608.00009").status_code == 404
            assert visitor.get("/api/papers/2608.00009").status_code == 404
            # an API token's reads carry no cookie: they stay on the primary
            authorized = {"Authorization": "Bearer not-a-token"}
            assert visitor.get("/api/papers/2608.00009", headers=authorized).status_code == 200
        finally:
            pair.resume_replay()
        pair.caught_up()
        assert "Seen on the primary" in visitor.get(PAGE).text  # no page kept stale
        assert visitor.get("/papers/2608.00009").status_code == 200
        assert visitor.get("/api/papers/2608.00009").status_code == 200


def test_reads_go_to_the_primary_while_the_replica_is_down(
    pair: PrimaryWithReplica, primary: Engine, app_settings: Settings
) -> None:
    app = create_app(app_settings, primary)
    with TestClient(app, raise_server_exceptions=False) as visitor:
        assert visitor.get("/papers/date/2026-08-07").status_code == 200
        pair.stop_replica()
        try:
            for path in ("/papers/date/2026-08-07", PAGE, "/api/papers/2608.00004", "/papers"):
                r = visitor.get(path)
                assert r.status_code == 200, (path, r.status_code, r.text[:200])
            assert "Friday paper" in visitor.get(PAGE).text
        finally:
            pair.start_replica()


def test_a_read_replica_needs_postgresql(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="DATABASE_READ_URL needs PostgreSQL"):
        Settings(
            data_dir=tmp_path, database_read_url="postgresql+psycopg://127.0.0.1:5433/paperfeed"
        )


def test_wal_positions_are_compared_as_numbers() -> None:
    assert parse_lsn("0/3000060") == 0x3000060
    assert parse_lsn("1/0") == 1 << 32
    assert parse_lsn("1/0") > parse_lsn("0/FFFFFFFF")  # type: ignore[operator]
    for junk in (None, "", "3000060", "x/y", "0/" + "F" * 40):
        assert parse_lsn(junk) is None
