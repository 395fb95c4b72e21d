"""Checks for the local services some tests need (skipped where absent, required in CI)."""

from __future__ import annotations

import os

import pytest
import redis


def redis_or_skip(url: str) -> None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required in CI: {exc}")
        pytest.skip(f"Redis not reachable at {url}")
