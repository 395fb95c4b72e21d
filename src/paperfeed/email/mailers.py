"""Mailers: SMTP (STARTTLS or TLS, one connection per batch), console, file, memory."""

from __future__ import annotations

import logging
import queue
import smtplib
import ssl
import sys
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlparse

from paperfeed.config import Settings
from paperfeed.email.message import Message

log = logging.getLogger("paperfeed.email")


class Mailer(Protocol):
    def send(self, messages: Sequence[Message]) -> None: ...


class SmtpMailer:
    """smtp://user:pass@host:port (STARTTLS when offered) or smtps://... (TLS from the start)."""

    def __init__(self, url: str, sender: str, timeout: float = 30) -> None:
        parsed = urlparse(url)
        if parsed.scheme not in ("smtp", "smtps"):
            raise ValueError(f"SMTP URL must start with smtp:// or smtps://, not {url!r}")
        self.tls = parsed.scheme == "smtps"
        self.host = parsed.hostname or "localhost"
        self.port = parsed.port or (465 if self.tls else 25)
        self.user = unquote(parsed.username) if parsed.username else None
        self.password = unquote(parsed.password) if parsed.password else None
        self.sender = sender
        self.timeout = timeout

    def send(self, messages: Sequence[Message]) -> None:
        if not messages:
            return
        with self._connect() as smtp:
            for message in messages:
                smtp.send_message(message.to_email(self.sender))

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.tls:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
        if self.user:
            smtp.login(self.user, self.password or "")
        return smtp


class ConsoleMailer:
    def __init__(self, sender: str) -> None:
        self.sender = sender

    def send(self, messages: Sequence[Message]) -> None:
        for message in messages:
            html = (
                f"\n(and an HTML part of {len(message.html):,} characters: "
                "PAPERFEED_MAIL_BACKEND=file keeps whole messages as .eml files)"
                if message.html
                else ""
            )
            print(
                f"--- email to {message.to}: {message.subject}\n{message.text}{html}",
                file=sys.stderr,
            )


class FileMailer:
    def __init__(self, folder: Path, sender: str) -> None:
        self.folder = folder
        self.sender = sender

    def send(self, messages: Sequence[Message]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for message in messages:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            (self.folder / f"{stamp}.eml").write_bytes(bytes(message.to_email(self.sender)))


class MemoryMailer:
    def __init__(self) -> None:
        self.sent: list[Message] = []

    def send(self, messages: Sequence[Message]) -> None:
        self.sent.extend(messages)


def mailer_for(settings: Settings) -> Mailer:
    backend = settings.mail_backend
    if backend == "auto":
        backend = "smtp" if settings.smtp_url else "console"
    if backend == "smtp":
        if not settings.smtp_url:
            raise ValueError("PAPERFEED_MAIL_BACKEND=smtp needs PAPERFEED_SMTP_URL")
        return SmtpMailer(settings.smtp_url, settings.mail_from)
    if backend == "file":
        return FileMailer(settings.data_dir / "mail", settings.mail_from)
    return ConsoleMailer(settings.mail_from)


class Outbox:
    """The web process's mail queue: a request hands its messages over after its commit
    and answers at once; a sender thread delivers them in order. A slow or hung SMTP
    server delays the mail (each connection times out), never a page, and a reply takes
    the same time whether or not it sends mail (no account enumeration by timing).
    A failure is logged, never turned into an error page."""

    def __init__(self, mailer: Mailer) -> None:
        self.mailer = mailer
        self._queue: queue.SimpleQueue[list[Message] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.pending = 0

    def send(self, messages: Sequence[Message]) -> None:
        if not messages:
            return
        with self._lock:
            self.pending += 1
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="mail", daemon=True)
                self._thread.start()
        self._queue.put(list(messages))

    def close(self, timeout: float = 5) -> None:
        """Deliver what is queued (waiting up to `timeout` seconds), then stop the thread."""
        thread = self._thread
        if thread is None:
            return
        self._queue.put(None)
        thread.join(timeout)

    def _run(self) -> None:
        while True:
            batch = self._queue.get()
            if batch is None:
                return
            try:
                self.mailer.send(batch)
            except Exception:  # SMTP down, refused, ...: the request itself succeeded
                log.exception("sending %d email(s) failed", len(batch))
            finally:
                with self._lock:
                    self.pending -= 1
