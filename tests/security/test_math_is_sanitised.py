"""TeX in metadata becomes MathML with its text escaped and only MathML's own elements and
attributes: no script, image, style, link or class, whatever macro carries them."""

import re

import pytest

from paperfeed.papers.mathml import MATHML_TAGS
from paperfeed.papers.render import render_tex
from tests.security.hostile import tex_payloads


@pytest.mark.parametrize("tex", tex_payloads())
def test_a_payload_is_text_inside_mathml(tex: str) -> None:
    html = str(render_tex(f"Before {tex} after"))
    lowered = html.lower()
    assert "<script" not in lowered and "<img" not in lowered and "<svg" not in lowered
    assert not re.search(r"<[^>]+\s(style|href|class|onload|onerror)=", html.split('">', 1)[1])
    tags = set(re.findall(r"<([a-z]+)", html))
    assert tags <= MATHML_TAGS | {"span", "code"}, tags - MATHML_TAGS


def test_text_macros_show_their_text_escaped() -> None:
    for macro in ("text", "textbf", "mbox", "fbox", "hbox", "texttt"):
        html = str(render_tex(f"$\\{macro}{{a<b & <i>c</i>}}$"))
        assert "a&lt;b &amp; &lt;i&gt;c&lt;/i&gt;" in html.replace("&nbsp;", " "), html


def test_ordinary_math_still_renders() -> None:
    html = str(render_tex(r"We show $x^2 < \frac{a}{b}$ and $\mathbf{v}$."))
    assert "<msup>" in html and "<mfrac>" in html and "<mo>&lt;</mo>" in html
    assert "𝐯" in html  # bold v, as latex2mathml writes it
