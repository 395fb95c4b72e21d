import pytest

from paperfeed.sources.normalize import fold_whitespace, tex_to_unicode


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        (r"Schr\"odinger", "Schrödinger"),
        (r"Erd{\H o}s", "Erdős"),
        (r"G\'{e}rard", "Gérard"),
        (r"Fran\c{c}ois", "François"),
        (r"\emph{Deep} learning", "Deep learning"),
        (r"R\&D and 5\% more", "R&D and 5% more"),
        ("a plain   title\n  over two lines ", "a plain title over two lines"),
    ],
)
def test_tex_accents_and_macros_become_unicode(tex: str, text: str) -> None:
    assert tex_to_unicode(tex) == text


def test_math_is_kept_as_tex() -> None:
    out = tex_to_unicode(r"The $\alpha$-model of Schr\"odinger and $$\sum_i x_i$$ here")
    assert out == r"The $\alpha$-model of Schrödinger and $$\sum_i x_i$$ here"


def test_plain_percent_and_dollar_survive() -> None:
    assert tex_to_unicode(r"gains 5% at \emph{low} cost") == "gains 5% at low cost"
    assert tex_to_unicode(r"costs \$5 \emph{only}") == "costs $5 only"


def test_whitespace_folding_handles_paragraphs_and_tabs() -> None:
    assert fold_whitespace("  one\n\n  two\tthree\r\n") == "one two three"


def test_a_dollar_after_a_backslash_never_opens_math() -> None:
    assert tex_to_unicode(r"pay \$5 for $\hat{x}$ and \$6") == r"pay $5 for $\hat{x}$ and $6"
    assert tex_to_unicode(r"\$x\$ is \emph{text}") == "$x$ is text"
    assert tex_to_unicode(r"one $a$ two \(b\) three \[c\]") == r"one $a$ two \(b\) three \[c\]"
