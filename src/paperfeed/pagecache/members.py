"""A member's own marks on the pages (which papers they upvoted and saved), kept per member
and per `marks_version`: the counter a trigger moves with each of their votes and saves, read
with their session. A member's page view then needs no query beyond the session look-up."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import Connection, select

from paperfeed.community.accounts import Account
from paperfeed.community.models import Vote
from paperfeed.personal.models import LibraryItem


@dataclass(frozen=True)
class Marks:
    version: int
    voted: frozenset[str]  # paper ids as the pages' holes name them
    saved: frozenset[str]


def load_marks(conn: Connection, account: Account) -> Marks:
    """All of one member's votes and saves (a few hundred ids even for a keen reader)."""
    voted = conn.execute(select(Vote.paper_id).where(Vote.user_id == account.id)).scalars()
    saved = conn.execute(
        select(LibraryItem.paper_id).where(LibraryItem.user_id == account.id)
    ).scalars()
    return Marks(
        account.marks_version,
        frozenset(str(i) for i in voted),
        frozenset(str(i) for i in saved),
    )


class MarksCache:
    """Members' marks by account id, the least recently seen dropped past `capacity`; an
    entry counts only while its version is the member's current one."""

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._marks: OrderedDict[int, Marks] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, account: Account) -> Marks | None:
        with self._lock:
            marks = self._marks.get(account.id)
            if marks is None or marks.version != account.marks_version:
                return None
            self._marks.move_to_end(account.id)
            return marks

    def put(self, account_id: int, marks: Marks) -> None:
        with self._lock:
            self._marks[account_id] = marks
            self._marks.move_to_end(account_id)
            while len(self._marks) > self.capacity:
                self._marks.popitem(last=False)
