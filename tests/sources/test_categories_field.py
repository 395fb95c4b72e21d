import pytest

from paperfeed.sources.build import categories_field
from paperfeed.sources.record import RecordError


def test_names_are_kept_in_order_once_and_class_codes_skipped() -> None:
    assert categories_field("cs.CL cs.AI I.2.7 cs.CL 68T50") == ["cs.CL", "cs.AI"]
    assert categories_field(["hep-th", " math.OC "]) == ["hep-th", "math.OC"]


def test_each_call_gets_its_own_list() -> None:
    first = categories_field("cs.LG stat.ML")
    first.append("mutated")
    assert categories_field("cs.LG stat.ML") == ["cs.LG", "stat.ML"]


def test_stray_classification_strings_are_skipped_and_told() -> None:
    stray: list[str] = []
    assert categories_field(["cs.LG", "68", "2020: 00A69, 68T05", "cs.AI"], stray) == [
        "cs.LG",
        "cs.AI",
    ]
    assert stray == ["68", "2020: 00A69, 68T05"]


@pytest.mark.parametrize("bad", ["cs.LG Not_A-Category!", "cs.LG x.1", ["cs.LG", 5]])
def test_a_bad_name_is_named_every_time(bad: object) -> None:
    for _ in range(2):  # the second time, past any cache
        with pytest.raises(RecordError) as err:
            categories_field(bad)
        assert err.value.field == "categories"
