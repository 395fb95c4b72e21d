"""arXiv identifiers: new style YYMM.NNNNN, old style archive(.SUBJ)/YYMMNNN, optional vN."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NEW = r"\d{4}\.\d{4,5}"
_OLD = r"[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7}"
ID_PATTERN = rf"(?:{_NEW}|{_OLD})(?:v\d+)?"  # an identifier with its optional version
_ID_RE = re.compile(rf"^(?P<base>{_NEW}|{_OLD})(?:v(?P<version>\d+))?$")
_URL_RE = re.compile(
    rf"(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/"
    rf"(?P<id>(?:{_NEW}|{_OLD})(?:v\d+)?)(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)
# An arXiv category name (cs.LG, hep-th, math.OC): the one definition, for every check
# and every pattern the API declares.
CATEGORY_PATTERN = r"[a-z][a-z-]*(?:\.[A-Za-z][A-Za-z-]*)?"
CATEGORY = re.compile(rf"^{CATEGORY_PATTERN}$")
_PREFIX_RE = re.compile(r"^(?:arxiv:|oai:arxiv\.org:)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ArxivId:
    base: str
    version: int | None = None

    def __str__(self) -> str:
        return f"{self.base}v{self.version}" if self.version else self.base


def parse_arxiv_id(text: str) -> ArxivId | None:
    """Parse an id, `arXiv:` id, OAI identifier or arxiv.org URL; None when it is none of them."""
    text = text.strip()
    url = _URL_RE.match(text)
    if url:
        text = url.group("id")
    text = _PREFIX_RE.sub("", text)
    match = _ID_RE.match(text)
    if not match:
        return None
    version = match.group("version")
    return ArxivId(match.group("base"), int(version) if version else None)


def split_version(text: str) -> tuple[str, int | None]:
    parsed = parse_arxiv_id(text)
    if parsed is None:
        raise ValueError(f"not an arXiv identifier: {text!r}")
    return parsed.base, parsed.version
