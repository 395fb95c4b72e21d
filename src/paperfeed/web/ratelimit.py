"""Rate limits per IP and per account, with the `limits` library (memory or Redis storage),
and who the client is: the connecting address, or behind a trusted proxy its X-Forwarded-For.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from fastapi import HTTPException, Request
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from paperfeed.config import Settings

# Failed log-ins per (IP, account): the wait grows from a minute to an hour, and only for
# that address: nobody can lock the owner out by failing from elsewhere.
LOGIN_FAILURES = "5/minute;20/hour"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class RateLimits:
    def __init__(self, settings: Settings) -> None:
        storage = storage_from_string(settings.redis_url) if settings.redis_url else MemoryStorage()
        self._limiter = MovingWindowRateLimiter(storage)
        self._rules: dict[str, list[RateLimitItem]] = {
            "auth": parse_many(settings.rate_limit_auth),
            "write": parse_many(settings.rate_limit_write),
            "login-failure": parse_many(LOGIN_FAILURES),
        }
        self.trusted = trusted_networks(tuple(settings.trusted_proxies))

    def hit(self, rule: str, *keys: str) -> None:
        """Count one request against each key ('ip:1.2.3.4', 'user:7'); 429 when over."""
        for key in keys:
            for item in self._rules[rule]:
                if not self._limiter.hit(item, rule, key):
                    raise HTTPException(
                        429, f"Too many requests: at most {item} for this. Try again later."
                    )

    def check(self, rule: str, key: str) -> None:
        """429 when `key` has used up `rule` already (nothing counted)."""
        for item in self._rules[rule]:
            if not self._limiter.test(item, rule, key):
                raise HTTPException(
                    429, f"Too many failed attempts: at most {item}. Try again later."
                )

    def count(self, rule: str, key: str) -> None:
        """Count one event (a failed log-in) against `key`."""
        for item in self._rules[rule]:
            self._limiter.hit(item, rule, key)


@lru_cache(maxsize=8)
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_ip(request: Request) -> str:
    """The client's address. X-Forwarded-For counts only when the connection comes from a
    trusted proxy (PAPERFEED_TRUSTED_PROXIES): its right-most address that is not itself a
    trusted proxy, so a client cannot choose its address by sending the header."""
    peer = request.client.host if request.client else "unknown"
    limits = getattr(request.app.state, "rate_limits", None)
    networks = limits.trusted if limits is not None else ()
    if not networks or not _is_trusted(peer, networks):
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            return hop
    return hops[0] if hops else peer
