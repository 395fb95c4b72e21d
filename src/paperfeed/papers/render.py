"""Turn stored text into HTML: TeX math to MathML (server-side, no CDN), snippets, links."""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape
from pylatexenc.latex2text import LatexNodes2Text

from paperfeed.papers.mathml import FormulaError, formula_to_mathml
from paperfeed.sources.normalize import split_math

_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'(){}]+|(?<![\w/.])github\.com/[\w.-]+/[\w.-]+", re.IGNORECASE
)
_TRAILING = ".,;:!?)]}'\""
_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "huggingface.co", "codeberg.org")
# Formulas rendered per field; any further ones are shown as TeX (a bound on the work a
# hostile abstract can ask of every page that lists it).
MAX_FORMULAS = 200


def render_tex(text: str | None, marks: tuple[str, ...] = ()) -> Markup:
    """HTML for text with TeX math: text escaped (its web addresses linked, the `marks`
    highlighted), each formula as MathML (raw TeX on failure)."""
    if not text:
        return Markup("")
    pieces = split_math(text)
    highlight = _marks_re(tuple(m for m in marks if m))
    out = []
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            out.append(_linked(piece, highlight))
        elif i <= 2 * MAX_FORMULAS:
            out.append(_math_html(piece))
        else:
            out.append(f'<code class="tex">{escape(piece)}</code>')
    return Markup("".join(out))


_MATH_AS_TEXT = LatexNodes2Text(math_mode="text", strict_latex_spaces=False)


@lru_cache(maxsize=4096)
def tex_as_text(text: str) -> str:
    """Plain text for places that cannot show MathML (a browser tab's title): each formula's
    TeX turned into Unicode text (`$\\alpha$-stable` → `α-stable`); the rest as it is."""
    pieces = split_math(text)
    for i in range(1, len(pieces), 2):
        inner = pieces[i].strip("$")
        if pieces[i].startswith(("\\(", "\\[")):
            inner = pieces[i][2:-2]
        try:
            pieces[i] = _MATH_AS_TEXT.latex_to_text(inner).strip()
        except Exception:  # pylatexenc is lenient; never let a title fail here
            pieces[i] = inner
    return "".join(pieces)


def http_url(value: str | None) -> str | None:
    """`value` when it is an http(s) address (what a stored string may link to), else None."""
    if not value:
        return None
    candidate = value.strip()
    if re.match(r"^https?://[^\s<>\"']+$", candidate, re.IGNORECASE):
        return candidate
    return None


@lru_cache(maxsize=256)
def _marks_re(marks: tuple[str, ...]) -> re.Pattern[str] | None:
    if not marks:
        return None
    # from the start of a word (a query word marks "graph" in "graphs", not in "paragraph")
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(m) for m in marks) + ")", re.IGNORECASE)


def _linked(text: str, highlight: re.Pattern[str] | None = None) -> str:
    """Escaped text with its web addresses as links and the highlighted words marked."""
    if not _may_link(text):  # most texts: no address to look for at every position
        return _marked(text, highlight)
    out, last = [], 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        end = match.start() + len(url)
        href = url if url.lower().startswith("http") else "https://" + url
        out.append(_marked(text[last : match.start()], highlight))
        out.append(f'<a href="{escape(href)}" rel="nofollow noopener">{escape(url)}</a>')
        last = end
    out.append(_marked(text[last:], highlight))
    return "".join(out)


def _marked(text: str, highlight: re.Pattern[str] | None) -> str:
    if highlight is None:
        return str(escape(text))
    parts = highlight.split(text)
    return "".join(
        f"<mark>{escape(p)}</mark>" if i % 2 else str(escape(p)) for i, p in enumerate(parts)
    )


@lru_cache(maxsize=16384)
def _math_html(formula: str) -> str:
    display = formula.startswith(("$$", "\\["))
    inner = formula[2:-2] if display or formula.startswith("\\(") else formula[1:-1]
    try:
        mathml = formula_to_mathml(inner, display)
    except FormulaError:  # TeX latex2mathml cannot read, or too long: shown as TeX
        return f'<code class="tex">{escape(formula)}</code>'
    return f'<span class="math" title="{escape(inner)}">{mathml}</span>'


def snippet(text: str | None, limit: int = 300, around: tuple[str, ...] = ()) -> str:
    """About `limit` characters of `text`, never cutting a formula in two; when a word of
    `around` appears only further on, the snippet starts shortly before it."""
    if not text or len(text) <= limit:
        return text or ""
    lowered = text.lower()
    hits = [lowered.find(w.lower()) for w in around if w]
    first = min((h for h in hits if h >= 0), default=-1)
    if first > limit - 40:
        start = text.rfind(" ", 0, max(0, first - 60)) + 1
        if "$" not in text[:start]:  # never start inside a formula
            return "…" + snippet(text[start:], limit)
    out, used = [], 0
    for i, piece in enumerate(split_math(text)):
        if used + len(piece) <= limit:
            out.append(piece)
            used += len(piece)
            continue
        if i % 2 == 0:
            cut = piece[: limit - used].rsplit(" ", 1)[0]
            out.append(cut)
        break
    return "".join(out).rstrip(" ,;:") + "…"


def _may_link(text: str | None) -> bool:
    """Whether _URL can match at all: a substring test first, as most abstracts have no
    link and the pattern's look-behind is tried at every position (100 µs an abstract)."""
    if not text:
        return False
    lowered = text.lower()
    return "http" in lowered or "www." in lowered or "github.com" in lowered


def code_links(*texts: str | None) -> list[dict[str, str]]:
    """Code repositories and project pages mentioned in the abstract or comments."""
    seen: dict[str, dict[str, str]] = {}
    for text in texts:
        if not _may_link(text):
            continue
        for match in _URL.finditer(text or ""):
            url = match.group(0).rstrip(_TRAILING)
            if not url.lower().startswith("http"):
                url = "https://" + url
            host = re.sub(r"^https?://(www\.)?", "", url, flags=re.I).split("/")[0].lower()
            if host in ("arxiv.org", "doi.org", "dx.doi.org"):
                continue
            kind = "code" if host in _CODE_HOSTS else "project"
            label = url.split("://", 1)[1].removeprefix("www.")
            seen.setdefault(url.lower(), {"url": url, "kind": kind, "label": label})
    return sorted(seen.values(), key=lambda link: link["kind"] != "code")
