"""Text normalisation shared by every source: TeX accents and macros to Unicode, math kept as TeX.

pylatexenc does the conversion, but only on the small spans that need it (a macro with
its arguments, a brace group): running it over whole abstracts costs milliseconds each.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text

_converter = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=False)
# Every alternative starts with a literal ($ or \), so the engine scans for those two
# characters instead of trying each position ("a $ not after a backslash" is checked just
# after it): 46 -> 9 us a split on abstracts with TeX (timed by hand), same splits on the
# real snapshot sample and the real cs.* papers.
MATH = re.compile(r"(\$\$.+?\$\$|\$(?<!\\\$).+?(?<!\\)\$|\\\(.+?\\\)|\\\[.+?\\\])", re.DOTALL)
# \"o  \'{e}  \H o  \c{c}  \emph{x}  \%  {\em x}  Erd{\H o}s
_SPAN = re.compile(
    r"""\\[uvHckrbdtl](?![a-zA-Z])(?:\s*\{[^{}$]*\}|\s+[a-zA-Z])"""
    r"""|\\['"^`~=.](?:\s*\{[^{}$]*\}|\s*\\?[a-zA-Z])"""
    r"""|\\[a-zA-Z]+\*?(?:\s*\{[^{}$]*\})*"""
    r"""|\\[%&_#$ ]"""
    r"""|\{[^{}$]*\}"""
)


def fold_whitespace(text: str) -> str:
    """Collapse runs of spaces and line breaks into one space, trimmed."""
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
    pieces = MATH.split(text)
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
