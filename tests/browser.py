"""Debian's Chromium driven by Playwright: where it is, how to launch it, where shots go."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("PAPERFEED_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
# as root, without a sandbox; no calls home (this machine has no network but loopback)
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_or_skip() -> None:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI ({CHROMIUM})")
        pytest.skip(f"Chromium not installed at {CHROMIUM} (apt-get install chromium)")


def launch(playwright: Any) -> Any:
    ARTIFACTS.mkdir(exist_ok=True)
    return playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
