"""Sending one digest in two steps, so that the sender can record it between them.

`begin` transmits everything but the end-of-data mark (MAIL, RCPT, DATA and the message);
`finish` sends the final "." and reads the server's reply. A server that never gets the
end mark (the sender died before it) discards the message: nothing was delivered.
"""

from __future__ import annotations

import re
import smtplib
import socket
from email import message_from_bytes
from email.message import EmailMessage as ModernMessage
from email.policy import default as default_policy
from typing import Protocol, cast

from paperfeed.email.mailers import Mailer, SmtpMailer
from paperfeed.email.message import Message


class Refused(Exception):
    """The server answered a command with an error code."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(f"{code} {text}")
        self.code = code
        self.text = text

    @property
    def permanent(self) -> bool:
        return 500 <= self.code < 600


class Transport(Protocol):
    def open(self) -> None: ...
    def begin(self, sender: str, data: bytes, recipient: str) -> None: ...
    def finish(self) -> tuple[int, str]: ...
    def abort(self) -> None: ...
    def close(self) -> None: ...


class SmtpTransport:
    """One SMTP connection reused for a batch."""

    def __init__(self, url: str, sender: str, timeout: float = 30) -> None:
        self._mailer = SmtpMailer(url, sender, timeout)
        self._smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        self._smtp = self._mailer._connect()
        # the end mark is a small write after a pause (the commit): without this, Nagle's
        # algorithm holds it until the server's delayed ACK, 40 ms per message
        if self._smtp.sock is not None:
            self._smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _conn(self) -> smtplib.SMTP:
        if self._smtp is None:
            self.open()
        assert self._smtp is not None
        return self._smtp

    def begin(self, sender: str, data: bytes, recipient: str) -> None:
        """`data`: the message with CRLF line ends."""
        smtp = self._conn()
        for code, text in (smtp.mail(sender), smtp.rcpt(recipient)):
            if code >= 400:
                smtp.rset()
                raise Refused(code, text.decode(errors="replace"))
        code, text = smtp.docmd("DATA")
        if code != 354:
            smtp.rset()
            raise Refused(code, text.decode(errors="replace"))
        data = re.sub(rb"(?m)^\.", b"..", data)
        if not data.endswith(b"\r\n"):
            data += b"\r\n"
        smtp.send(data)

    def finish(self) -> tuple[int, str]:
        smtp = self._conn()
        smtp.send(b".\r\n")
        code, text = smtp.getreply()
        return code, text.decode(errors="replace")

    def abort(self) -> None:
        """Drop the connection mid-message: the server discards what it got."""
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


class MailerTransport:
    """Console, file or memory mailers: nothing to split, delivered at `finish`."""

    def __init__(self, mailer: Mailer) -> None:
        self.mailer = mailer
        self._pending: Message | None = None

    def open(self) -> None:
        pass

    def begin(self, sender: str, data: bytes, recipient: str) -> None:
        self._pending = _Raw(recipient, data)

    def finish(self) -> tuple[int, str]:
        if self._pending is not None:
            self.mailer.send([self._pending])
        self._pending = None
        return 250, "ok"

    def abort(self) -> None:
        self._pending = None

    def close(self) -> None:
        pass


class _Raw(Message):
    """A ready message passed through the Message interface of the mailers."""

    def __init__(self, to: str, data: bytes) -> None:
        parsed = cast(ModernMessage, message_from_bytes(data, policy=default_policy))
        super().__init__(
            to=to,
            subject=str(parsed["Subject"] or ""),
            text=_part(parsed, "plain"),
            html=_part(parsed, "html"),
        )
        self._data = data

    def to_email(self, sender: str) -> ModernMessage:
        return cast(ModernMessage, message_from_bytes(self._data, policy=default_policy))


def _part(message: ModernMessage, kind: str) -> str:
    body = message.get_body((kind,))
    return str(body.get_content()) if body is not None else ""
