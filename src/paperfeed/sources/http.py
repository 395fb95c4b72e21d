"""A polite HTTP client for arXiv: one request at a time, a delay between them, 503 Retry-After."""

from __future__ import annotations

import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from paperfeed import __version__

USER_AGENT = f"paperfeed/{__version__} (+self-hosted; arXiv metadata harvester)"


class UpstreamUnavailable(RuntimeError):
    """arXiv (or its stand-in) could not be reached or kept failing; the message says why."""


class PoliteClient:
    def __init__(
        self,
        *,
        delay: float,
        timeout: float,
        retries: int,
        max_retry_after: float,
        sleep: Callable[[float], None] = time.sleep,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        self._http = httpx.Client(
            timeout=timeout, headers={"User-Agent": USER_AGENT}, follow_redirects=True
        )
        self._delay = delay
        self._retries = retries
        self._max_retry_after = max_retry_after
        self._sleep = sleep
        self._on_wait = on_wait or (lambda _msg: None)
        self._last: float | None = None

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, params: dict[str, Any]) -> httpx.Response:
        """GET with politeness and retries; returns any response that is not 503/5xx."""
        for attempt in range(self._retries + 1):
            self._wait_turn()
            try:
                response = self._http.get(url, params=params)
            except httpx.TransportError as exc:
                if attempt >= self._retries or isinstance(exc, httpx.ConnectError):
                    raise UpstreamUnavailable(f"{url} cannot be reached ({_reason(exc)})") from exc
                self._backoff(attempt, f"{_reason(exc)}; retrying")
                continue
            if response.status_code in (429, 500, 502, 503, 504):
                if attempt >= self._retries:
                    raise UpstreamUnavailable(
                        f"{url} answered {response.status_code} {self._retries + 1} times"
                    )
                wait = retry_after_seconds(response.headers.get("Retry-After"))
                if wait is None:
                    self._backoff(attempt, f"HTTP {response.status_code}; retrying")
                else:
                    self._pause(
                        min(wait, self._max_retry_after),
                        f"HTTP {response.status_code}, Retry-After {wait:g}s",
                    )
                continue
            return response
        raise AssertionError("unreachable")

    def _wait_turn(self) -> None:
        if self._last is not None:
            remaining = self._delay - (time.monotonic() - self._last)
            if remaining > 0:
                self._sleep(remaining)
        self._last = time.monotonic()

    def _backoff(self, attempt: int, why: str) -> None:
        self._pause(min(self._delay * (2**attempt) + 1, self._max_retry_after), why)

    def _pause(self, seconds: float, why: str) -> None:
        self._on_wait(f"{why}: waiting {seconds:.0f}s")
        self._sleep(seconds)
        self._last = time.monotonic()


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]
