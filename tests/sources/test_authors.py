from paperfeed.sources.authors import from_parsed_rows, parse_author_string


def names(authors):  # type: ignore[no-untyped-def]
    return [(a.name, a.affiliations) for a in authors]


def test_raw_author_string_with_affiliations_and_and() -> None:
    got = parse_author_string("Jane Doe (Example Univ.), John Roe Jr and Ann Poe")
    assert names(got) == [("Jane Doe", ["Example Univ."]), ("John Roe Jr", []), ("Ann Poe", [])]


def test_comma_and_and_tex_accents() -> None:
    got = parse_author_string(r"A. Smith, B. Jones, and C. M\"uller")
    assert [a.name for a in got] == ["A. Smith", "B. Jones", "C. Müller"]


def test_numbered_affiliations_are_split() -> None:
    got = parse_author_string("C. Roe ((1) Univ A, (2) Univ B)")
    assert names(got) == [("C. Roe", ["Univ A", "Univ B"])]


def test_suffix_after_comma_joins_previous_author() -> None:
    assert [a.name for a in parse_author_string("Jane Doe, John Roe, Jr.")] == [
        "Jane Doe",
        "John Roe Jr.",
    ]


def test_snapshot_parsed_rows_keep_order_and_affiliations() -> None:
    got = from_parsed_rows(
        [
            ["Doe", "Jane", "", "Example Univ.", "Other Lab"],
            ["Roe", "John", "Jr"],
            [r"Schr\"odinger", "E.", ""],
        ]
    )
    assert names(got) == [
        ("Jane Doe", ["Example Univ.", "Other Lab"]),
        ("John Roe Jr", []),
        ("E. Schrödinger", []),
    ]
