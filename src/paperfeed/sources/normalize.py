"""Text normalisation shared by every source: TeX accents and macros to Unicode, math kept as TeX.

pylatexenc does the conversion, but only on the small spans that need it (a macro with
its arguments, a brace group): running it over whole abstracts costs milliseconds each.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text

_converter = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=False)
# The definition of a formula, as a regular expression: split_math finds the same pieces in
# linear time (the expression, tried from every opener, is quadratic on runs of openers
# that never close: 50 abstracts of `\(` runs stalled a whole site).
MATH = re.compile(r"(\$\$.+?\$\$|\$(?<!\\\$).+?(?<!\\)\$|\\\(.+?\\\)|\\\[.+?\\\])", re.DOTALL)
# \"o  \'{e}  \H o  \c{c}  \emph{x}  \%  {\em x}  Erd{\H o}s
_SPAN = re.compile(
    r"""\\[uvHckrbdtl](?![a-zA-Z])(?:\s*\{[^{}$]*\}|\s+[a-zA-Z])"""
    r"""|\\['"^`~=.](?:\s*\{[^{}$]*\}|\s*\\?[a-zA-Z])"""
    r"""|\\[a-zA-Z]+\*?(?:\s*\{[^{}$]*\})*"""
    r"""|\\[%&_#$ ]"""
    r"""|\{[^{}$]*\}"""
)


# The openers still worth looking for, by which kinds can still close ($, \), \]): once a
# kind has no closer after some position, its openers are skipped in bulk by the search.
_OPENERS = {
    (dollar, paren, bracket): re.compile(
        "|".join(p for p, live in ((r"\$", dollar), (r"\\\(", paren), (r"\\\[", bracket)) if live)
    )
    for dollar in (True, False)
    for paren in (True, False)
    for bracket in (True, False)
    if dollar or paren or bracket
}


def split_math(text: str) -> list[str]:
    """`MATH.split(text)` in linear time: text and formulas alternating (formulas at odd
    indexes). Once a closer is not found after some position, no opener of that kind
    further on is tried again."""
    pieces: list[str] = []
    last = pos = 0
    no_close: dict[str, int] = {}  # kind -> position from which it has no closer
    n = len(text)
    while pos < n:
        live = ("$" not in no_close, "\\)" not in no_close, "\\]" not in no_close)
        if not any(live):
            break
        found = _OPENERS[live].search(text, pos)
        if found is None:
            break
        start = found.start()
        end = _formula_end(text, start, no_close)
        if end < 0:
            pos = start + 1
            continue
        pieces.append(text[last:start])
        pieces.append(text[start:end])
        last = pos = end
    pieces.append(text[last:])
    return pieces


def _formula_end(text: str, start: int, no_close: dict[str, int]) -> int:
    """The end of the formula opening at `start`, or -1 (the order MATH tries them in)."""
    if text[start] == "\\":
        closer = "\\)" if text[start + 1] == "(" else "\\]"
        return _closing(text, closer, start + 3, no_close, closer)
    if text.startswith("$$", start):
        end = _closing(text, "$$", start + 3, no_close, "$$")
        if end >= 0:
            return end
    if start > 0 and text[start - 1] == "\\":
        return -1
    return _unescaped_dollar(text, start + 2, no_close)


def _closing(text: str, closer: str, frm: int, no_close: dict[str, int], kind: str) -> int:
    if frm >= no_close.get(kind, len(text) + 1):
        return -1
    at = text.find(closer, frm)
    if at < 0:
        no_close[kind] = frm
        return -1
    return at + len(closer)


def _unescaped_dollar(text: str, frm: int, no_close: dict[str, int]) -> int:
    """The end of the first `$` at or after `frm` not preceded by a backslash, or -1."""
    if frm >= no_close.get("$", len(text) + 1):
        return -1
    at = text.find("$", frm)
    while at >= 0 and text[at - 1] == "\\":
        at = text.find("$", at + 1)
    if at < 0:
        no_close["$"] = frm
        return -1
    return at + 1


# Control characters (but tab and line breaks): no text means them, XML cannot carry them
# (one in a title broke every feed listing it) and PostgreSQL refuses NUL.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _CountedWarnings(logging.Handler):
    """pylatexenc logs a warning for TeX it half-understands (and converts anyway); counted
    here and told in the run's summary, instead of printed across a progress bar."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


_TEX_WARNINGS = _CountedWarnings()


def count_tex_warnings() -> None:
    """Route pylatexenc's warnings of this process to the counter (idempotent)."""
    tex_logger = logging.getLogger("pylatexenc")
    if _TEX_WARNINGS not in tex_logger.handlers:
        tex_logger.addHandler(_TEX_WARNINGS)
        tex_logger.propagate = False


def take_tex_warnings() -> int:
    """pylatexenc warnings counted since the last call."""
    count, _TEX_WARNINGS.count = _TEX_WARNINGS.count, 0
    return count


def fold_whitespace(text: str) -> str:
    """Collapse runs of spaces and line breaks into one space, trimmed; control characters
    removed."""
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    # Fast path for arXiv's hard-wrapped text: single line breaks become spaces.
    folded = text.replace("\n", " ").strip()
    if "  " in folded or "\t" in folded or "\r" in folded or "\xa0" in folded:
        return " ".join(folded.split())
    return folded


def tex_to_unicode(text: str) -> str:
    """Turn TeX accents and text macros into Unicode; math ($...$, \\(...\\)) stays as TeX."""
    text = fold_whitespace(text)
    if "\\" not in text and "{" not in text:
        return text
    pieces = split_math(text)
    for i in range(0, len(pieces), 2):  # even pieces are text, odd ones math
        if "\\" in pieces[i] or "{" in pieces[i]:
            pieces[i] = _SPAN.sub(_span_to_unicode, pieces[i])
    return fold_whitespace("".join(pieces))


@lru_cache(maxsize=65536)
def name_to_unicode(name: str) -> str:
    """Names repeat a lot across papers: cache their conversion."""
    return tex_to_unicode(name)


def _span_to_unicode(match: re.Match[str]) -> str:
    return _convert_span(match.group(0))


@lru_cache(maxsize=65536)
def _convert_span(span: str) -> str:
    if span.startswith("\\") and span[1:2] in "%&_#$ ":
        return span[1:]
    try:
        return _converter.latex_to_text(span.replace("%", r"\%"))
    except Exception:  # pylatexenc is lenient; never let one record die here
        return span
