import pytest

from paperfeed.papers.ids import ArxivId, parse_arxiv_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2401.01234", ArxivId("2401.01234")),
        ("2401.01234v3", ArxivId("2401.01234", 3)),
        ("0704.0001", ArxivId("0704.0001")),
        ("hep-th/9901001", ArxivId("hep-th/9901001")),
        ("math.CO/0601001v2", ArxivId("math.CO/0601001", 2)),
        ("arXiv:2401.01234", ArxivId("2401.01234")),
        ("oai:arXiv.org:hep-th/9901001", ArxivId("hep-th/9901001")),
        ("https://arxiv.org/abs/2401.01234v2", ArxivId("2401.01234", 2)),
        ("http://arxiv.org/pdf/2401.01234.pdf", ArxivId("2401.01234")),
        ("arxiv.org/abs/hep-th/9901001", ArxivId("hep-th/9901001")),
        ("  2401.01234  ", ArxivId("2401.01234")),
    ],
)
def test_parses_every_form_of_an_arxiv_id(text: str, expected: ArxivId) -> None:
    assert parse_arxiv_id(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "2401.123",
        "2401.123456",
        "1234.5678.9",
        "https://example.org/abs/2401.01234",
        "<script>",
        "hep-th",
    ],
)
def test_rejects_what_is_not_an_id(text: str) -> None:
    assert parse_arxiv_id(text) is None
