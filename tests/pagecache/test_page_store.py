"""The page store: pages split at their holes and filled per visitor; old generations never
served; the least recently used pages leave first when the budget is spent."""

from paperfeed.pagecache.store import CSRF, Page, PageCache, hole


def test_holes_are_filled_per_visitor() -> None:
    html = f"<p>{CSRF}</p>{hole('nav')}<ul>{hole('vote', 7)}{hole('vote', 8)}</ul>"
    page = Page.split(
        html, variants={("vote", "7"): ("off7", "on7"), ("vote", "8"): ("off8", "on8")}
    )
    assert page.fill("tok", {}, {}) == "<p>tok</p><ul>off7off8</ul>"
    assert page.fill("t2", {"vote": {"8"}}, {"nav": "<nav>Al</nav>"}) == (
        "<p>t2</p><nav>Al</nav><ul>off7on8</ul>"
    )


def test_another_generation_is_a_miss() -> None:
    cache = PageCache(10_000)
    cache.put("k", Page.split("x", generation=3))
    assert cache.get("k", 3) is not None and cache.get("k", 4) is None
    assert cache.stats()["hits"] == 1 and cache.stats()["misses"] == 1


def test_least_recently_used_pages_leave_first() -> None:
    cache = PageCache(1_000)
    for key in "abcd":
        cache.put(key, Page.split("x" * 240))
    cache.get("a", 0)  # a is used again: b is now the oldest
    cache.put("e", Page.split("x" * 240))
    kept = [k for k in "abcde" if cache.get(k, 0) is not None]
    assert kept == ["a", "c", "d", "e"] and cache.stats()["chars"] <= 1_000
