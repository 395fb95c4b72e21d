"""`paperfeed users create-admin` and `set-role`."""

from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from paperfeed.cli.main import app
from paperfeed.db.engine import make_engine


def test_create_admin_then_set_role(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERFEED_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["users", "create-admin", "Root@Example.org"],
        input="a long admin password\na long admin password\n",
    )
    assert result.exit_code == 0, result.output
    engine = make_engine(f"sqlite:///{tmp_path / 'paperfeed.db'}")
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT email, role, email_verified_at IS NOT NULL FROM users")
        ).one()
    assert tuple(row) == ("root@example.org", "admin", 1)
    assert runner.invoke(app, ["users", "set-role", "root@example.org", "moderator"]).exit_code == 0
    bad = runner.invoke(app, ["users", "set-role", "nobody@example.org", "moderator"])
    assert bad.exit_code == 1 and "no account uses" in bad.output
    short = runner.invoke(app, ["users", "create-admin", "x@example.org", "--password", "short"])
    assert short.exit_code == 1 and "at least 10 characters" in short.output
