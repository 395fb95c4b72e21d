"""A paper as Markdown: title, authors, links, abstract (math kept as TeX), BibTeX."""

from __future__ import annotations

from typing import Any

from paperfeed.papers.bibtex import bibtex_entry
from paperfeed.papers.render import code_links


def paper_markdown(row: dict[str, Any], base_url: str) -> str:
    aid = row["arxiv_id"]
    authors = ", ".join(a["name"] for a in row["authors"])
    lines = [
        f"# {row['title']}",
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
    lines += ["", "## Abstract", "", row["abstract"], ""]
    if row.get("comments"):
        lines += [f"*Comments:* {row['comments']}", ""]
    lines += ["## Citation", "", "```bibtex", bibtex_entry(row).rstrip(), "```", ""]
    return "\n".join(lines)
