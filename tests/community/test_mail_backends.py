"""Mail backends besides SMTP: file (for development) writes parseable .eml files."""

import email
from email.policy import default as default_policy
from pathlib import Path

from paperfeed.config import Settings
from paperfeed.email.mailers import FileMailer, SmtpMailer, mailer_for
from paperfeed.email.message import render


def test_file_backend_writes_multipart_emails(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, mail_backend="file")
    mailer = mailer_for(settings)
    assert isinstance(mailer, FileMailer)
    mailer.send([render("verify", "a@example.org", link="http://x/verify?token=t", base_url="x")])
    (eml,) = (tmp_path / "mail").glob("*.eml")
    msg = email.message_from_bytes(eml.read_bytes(), policy=default_policy)
    assert msg["To"] == "a@example.org"
    assert "http://x/verify?token=t" in msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert msg.get_body(("html",)) is not None


def test_smtp_url_forms() -> None:
    plain = SmtpMailer("smtp://user:p%40ss@mail.example.org:587", "from@x")
    assert (plain.host, plain.port, plain.user, plain.password, plain.tls) == (
        "mail.example.org",
        587,
        "user",
        "p@ss",
        False,
    )
    tls = SmtpMailer("smtps://mail.example.org", "from@x")
    assert (tls.port, tls.tls) == (465, True)
