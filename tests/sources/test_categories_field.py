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


@pytest.mark.parametrize("bad", ["cs.LG Not_A-Category!", "cs.LG 1.x", ["cs.LG", 5]])
def test_a_bad_name_is_named_every_time(bad: object) -> None:
    for _ in range(2):  # the second time, past any cache
        with pytest.raises(RecordError) as err:
            categories_field(bad)
        assert err.value.field == "categories"
