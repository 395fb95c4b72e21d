"""The limiter's Redis storage, for several processes (embedded memory storage otherwise)."""

import os
import uuid

import pytest

from paperfeed.config import Settings
from paperfeed.web.ratelimit import RateLimits
from tests.services import redis_or_skip

REDIS = os.environ.get("PAPERFEED_TEST_REDIS", "redis://127.0.0.1:6379/0")


def test_limits_are_shared_through_redis(tmp_path) -> None:  # type: ignore[no-untyped-def]
    redis_or_skip(REDIS)
    settings = Settings(data_dir=tmp_path, redis_url=REDIS, rate_limit_auth="2/minute")
    first, second = RateLimits(settings), RateLimits(settings)  # two "processes"
    key = f"ip:test-{uuid.uuid4().hex}"
    first.hit("auth", key)
    second.hit("auth", key)
    with pytest.raises(Exception, match="Too many requests"):
        first.hit("auth", key)
