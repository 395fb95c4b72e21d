"""A message from templates/email/<name>/{subject.txt, body.txt, body.html}."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from paperfeed.web.templating import TEMPLATES

_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES / "email")),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    keep_trailing_newline=True,
)


@dataclass
class Message:
    to: str
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)

    def to_email(self, sender: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = sender
        msg["To"] = self.to
        msg["Subject"] = self.subject
        msg["Message-ID"] = make_msgid(domain="paperfeed")
        for k, v in self.headers.items():
            msg[k] = v
        msg.set_content(self.text)
        msg.add_alternative(self.html, subtype="html")
        return msg


def fragment(name: str, **context: Any) -> Markup:
    """One reusable piece of a message (templates/email/<name>), rendered once, reused."""
    return Markup(_env.get_template(name).render(**context))


def render(name: str, to: str, **context: Any) -> Message:
    subject = _env.get_template(f"{name}/subject.txt").render(**context).strip()
    text = _env.get_template(f"{name}/body.txt").render(**context)
    html = _env.get_template(f"{name}/body.html").render(subject=subject, **context)
    return Message(to=to, subject=subject, text=text, html=html)
