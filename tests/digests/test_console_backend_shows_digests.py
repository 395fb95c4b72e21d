"""On the console mail backend (the default without SMTP) a digest shows its subject and
text, and says where its HTML part is: not an empty "email to" line."""

import pytest
from sqlalchemy import Engine

from paperfeed.config import Settings
from paperfeed.digests.delivery import plan_due, send_pending
from tests.digests.conftest import FRIDAY_9, add_subscribers


def test_a_digest_on_the_console_has_subject_and_body(
    engine: Engine, settings: Settings, filled_papers: None, capsys: pytest.CaptureFixture[str]
) -> None:
    add_subscribers(engine, ["reader@example.org"], categories="cs.LG cs.CV")
    console = settings.model_copy(update={"mail_backend": "console", "smtp_url": None})
    plan_due(engine, FRIDAY_9)
    result = send_pending(engine, console, clock=lambda: FRIDAY_9)
    assert result.sent == 1
    printed = capsys.readouterr().err
    header = next(line for line in printed.splitlines() if line.startswith("--- email to"))
    subject = header.split(": ", 1)[1]
    assert header.startswith("--- email to reader@example.org: ") and subject.strip()
    assert "Friday paper" in printed  # the invented Friday paper, from the text part
    assert "/digests/unsubscribe?token=" in printed
    assert "HTML part of" in printed and "PAPERFEED_MAIL_BACKEND=file" in printed
