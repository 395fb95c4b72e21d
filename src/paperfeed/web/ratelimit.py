"""Rate limits per IP and per account, with the `limits` library (memory or Redis storage)."""

from __future__ import annotations

from fastapi import HTTPException, Request
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from paperfeed.config import Settings


class RateLimits:
    def __init__(self, settings: Settings) -> None:
        storage = storage_from_string(settings.redis_url) if settings.redis_url else MemoryStorage()
        self._limiter = MovingWindowRateLimiter(storage)
        self._rules: dict[str, list[RateLimitItem]] = {
            "auth": parse_many(settings.rate_limit_auth),
            "write": parse_many(settings.rate_limit_write),
        }

    def hit(self, rule: str, *keys: str) -> None:
        """Count one request against each key ('ip:1.2.3.4', 'user:7'); 429 when over."""
        for key in keys:
            for item in self._rules[rule]:
                if not self._limiter.hit(item, rule, key):
                    raise HTTPException(
                        429, f"Too many requests: at most {item} for this. Try again later."
                    )


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"
