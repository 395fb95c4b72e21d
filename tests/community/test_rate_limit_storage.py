"""The limiter's Redis storage, for several processes (embedded memory storage otherwise)."""

import os
import uuid

import pytest
import redis

from paperfeed.config import Settings
from paperfeed.web.ratelimit import RateLimits

REDIS = os.environ.get("PAPERFEED_TEST_REDIS", "redis://127.0.0.1:6379/0")


def test_limits_are_shared_through_redis(tmp_path) -> None:  # type: ignore[no-untyped-def]
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required in CI: {exc}")
        pytest.skip(f"Redis not reachable at {REDIS}")
    settings = Settings(data_dir=tmp_path, redis_url=REDIS, rate_limit_auth="2/minute")
    first, second = RateLimits(settings), RateLimits(settings)  # two "processes"
    key = f"ip:test-{uuid.uuid4().hex}"
    first.hit("auth", key)
    second.hit("auth", key)
    with pytest.raises(Exception, match="Too many requests"):
        first.hit("auth", key)
