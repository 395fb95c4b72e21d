"""The signing key is made whole and once, even by concurrent first uses; an empty or short
key is refused, never used to sign links."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from paperfeed.config import Settings
from paperfeed.digests.tokens import MIN_SECRET, WeakSecret, make_token, signing_secret


def test_concurrent_first_uses_agree(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    with ThreadPoolExecutor(16) as pool:
        keys = set(pool.map(lambda _: signing_secret(settings), range(64)))
    assert len(keys) == 1 and len(keys.pop()) >= MIN_SECRET
    assert [p.name for p in (tmp_path / "data").iterdir()] == ["secret.key"]  # no leftovers


@pytest.mark.parametrize("content", ["", "\n", "short"])
def test_an_empty_or_short_key_is_refused(tmp_path: Path, content: str) -> None:
    settings = Settings(data_dir=tmp_path)
    (tmp_path / "secret.key").write_text(content)
    with pytest.raises(WeakSecret, match=r"secret\.key"):
        make_token(settings, "manage", 1, "a@example.org")
    with pytest.raises(WeakSecret, match="PAPERFEED_SECRET_KEY"):
        signing_secret(Settings(data_dir=tmp_path, secret_key="too-short"))
