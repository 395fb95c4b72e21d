"""A paper as Markdown: title, authors, links, abstract (math kept as TeX), BibTeX."""

from __future__ import annotations

from typing import Any

from paperfeed.papers.bibtex import bibtex_entry
from paperfeed.papers.render import code_links
from paperfeed.sources.normalize import split_math

# Characters that mean something to Markdown inside a paragraph (CommonMark lets any ASCII
# punctuation be escaped with a backslash); math is left as TeX for math-aware renderers.
_MARKUP = set("\\`*_[]<>|~&#!")


def md_text(text: str) -> str:
    """`text` as Markdown that shows it as it is: markup characters escaped outside math."""
    pieces = split_math(text)
    for i in range(0, len(pieces), 2):
        pieces[i] = "".join("\\" + ch if ch in _MARKUP else ch for ch in pieces[i])
    return "".join(pieces)


def paper_markdown(row: dict[str, Any], base_url: str) -> str:
    aid = row["arxiv_id"]
    authors = ", ".join(md_text(a["name"]) for a in row["authors"])
    lines = [
        f"# {md_text(row['title'])}",
        "",
        f"**Authors:** {authors}",
        "",
        f"**arXiv:** [{aid}](https://arxiv.org/abs/{aid}) · "
        f"[PDF](https://arxiv.org/pdf/{aid}) · [paperfeed]({base_url}/papers/{aid})",
        "",
    ]
    if row.get("categories"):
        lines += [f"**Categories:** {', '.join(row['categories'].split())}", ""]
    if row.get("published_at"):
        lines += [f"**Published:** {row['published_at'].date().isoformat()}", ""]
    for link in code_links(row["abstract"], row.get("comments")):
        lines.append(f"- {'Code' if link['kind'] == 'code' else 'Project page'}: {link['url']}")
    lines += ["", "## Abstract", "", md_text(row["abstract"]), ""]
    if row.get("comments"):
        lines += [f"*Comments:* {md_text(row['comments'])}", ""]
    lines += ["## Citation", "", "```bibtex", bibtex_entry(row).rstrip(), "```", ""]
    return "\n".join(lines)
