"""A hostile-input corpus written for paperfeed: TeX that tries to smuggle markup, script
or style into pages, scheme tricks, control characters and work bombs. Every value is
invented; each record says which attack it carries."""

from __future__ import annotations

from datetime import datetime

from tests import records as R

TEXT_MACROS = ("text", "textrm", "textbf", "textit", "texttt", "textsf", "mbox", "hbox", "fbox")
SCRIPT = "<script>alert('{}')</script>"
IMAGE = "<img src=x onerror=alert('{}')>"
OVERLAY = "position:fixed;top:0;left:0;width:100%;height:100%;background:red;z-index:9"


def tex_payloads() -> list[str]:
    """Formulas, each an attack through one macro."""
    out = []
    for macro in TEXT_MACROS:
        out.append(f"$\\{macro}{{{SCRIPT.format(macro)}}}$")
        out.append(f"$\\{macro}{{{IMAGE.format(macro)}}}$")
    out += [
        f"$\\style{{{OVERLAY}}}{{x}}$",
        "$\\href{javascript:alert('href')}{click me}$",
        "$\\class{pwned}{x}$",
        "$\\color{red;background:url(javascript:alert(1))}{x}$",
        "\\(\\text{</math><script>alert('close')</script>}\\)",
        "$$\\mbox{<svg onload=alert('svg')>}$$",
        "\\[\\hspace{100000em}\\text{wide}\\]",
    ]
    return out


def _rec(
    n: int, title: str, abstract: str, when: datetime, prefix: str = "2608", **extra: object
) -> R.Rec:
    return R.Rec(
        id=f"{prefix}.{n:05d}",
        title=title,
        abstract=abstract,
        versions=[when],
        datestamp=when.date().isoformat(),
        **extra,  # type: ignore[arg-type]
    )


def harvested(when: datetime) -> list[R.Rec]:
    """What an OAI harvest brings in: every TeX payload in a title, an abstract, comments
    and a journal-ref; a licence with a javascript: address."""
    payloads = tex_payloads()
    recs = []
    for i, tex in enumerate(payloads, 1):
        recs.append(
            _rec(
                i,
                f"Hostile title {i} {tex}",
                f"An abstract carrying {tex} in its text.",
                when,
                comments=f"Comments {tex}",
                journal_ref=f"J. Hostile {tex}",
                license="javascript:alert('licence')",
            )
        )
    return recs


def submitted(when: datetime) -> R.Rec:
    """What a member submits (fetched through the arXiv API)."""
    return _rec(
        900,
        "Submitted $\\text{<script>alert('submit')</script>}$ paper",
        f"Abstract $\\textbf{{{IMAGE.format('submit')}}}$ and $\\style{{{OVERLAY}}}{{y}}$.",
        when,
        prefix="2611",
        comments="$\\href{javascript:alert('c')}{c}$",
    )


def imported(when: datetime) -> list[R.Rec]:
    """What `paperfeed import` brings in: the TeX payloads, control characters, and runs of
    unclosed openers (quadratic for a regular expression, linear here)."""
    return [
        _rec(
            801,
            "Imported \x07bell\x1b[31m and $\\texttt{<script>alert('import')</script>}$",
            "Control \x00characters\x0b here. " + "\\(" * 3000,
            when,
        ),
        _rec(802, "Dollar runs", "$ " * 3000 + "\\[" * 3000, when, license="data:text/html,x"),
        _rec(803, "Many formulas", " ".join(["$x_1$"] * 400), when),
    ]
