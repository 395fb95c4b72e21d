"""Every setting is documented in docs/configuration.md (and nothing documented is gone)."""

import re
from pathlib import Path

from paperfeed.config import Settings

DOC = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


def test_settings_are_documented() -> None:
    documented = set(re.findall(r"`(PAPERFEED_[A-Z_]+)`", DOC.read_text()))
    declared = {f"PAPERFEED_{name.upper()}" for name in Settings.model_fields}
    assert declared - documented == set(), "undocumented settings"
    assert documented - declared == set(), "documented settings that no longer exist"


def test_settings_read_the_environment_only_when_built(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PAPERFEED_CATEGORIES", "math.NA, hep-th")
    assert Settings().categories == ["math.NA", "hep-th"]
    assert Settings(categories=["cs.LG"]).categories == ["cs.LG"]
