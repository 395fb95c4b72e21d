"""Response shapes with the field names of Hugging Face Papers (docs: hf-papers-api.md)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, time
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from paperfeed.community.github import repo_in
from paperfeed.papers.render import code_links


class HfModel(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class HfAuthor(HfModel):
    id: str = Field(alias="_id", description="Stable 24-hex id of this author entry")
    name: str
    hidden: bool = False


class HfUser(HfModel):
    id: str = Field(alias="_id")
    avatarUrl: str
    fullname: str
    name: str
    user: str
    isPro: bool = False
    type: str = "user"


class HfPaper(HfModel):
    id: str = Field(description="arXiv id")
    authors: list[HfAuthor]
    publishedAt: datetime = Field(description="arXiv publication time (v1)")
    title: str
    summary: str = Field(description="The arXiv abstract")
    upvotes: int
    discussionId: str
    submittedOnDailyAt: datetime | None = None
    submittedOnDailyBy: HfUser | None = None
    projectPage: str | None = None
    githubRepo: str | None = None
    githubStars: int | None = None
    withdrawnAt: datetime | None = None
    mediaUrls: list[str] = []
    ai_summary: str | None = None
    ai_keywords: list[str] | None = None


class HfPaperDetail(HfPaper):
    linkedModels: list[Any] = []
    numTotalModels: int = 0
    linkedDatasets: list[Any] = []
    numTotalDatasets: int = 0
    linkedSpaces: list[Any] = []
    numTotalSpaces: int = 0


class HfDailyPaper(HfModel):
    paper: HfPaper
    publishedAt: datetime = Field(description="When the paper appeared in the daily list")
    title: str
    summary: str
    mediaUrls: list[str] = []
    thumbnail: str
    numComments: int
    submittedBy: HfUser
    isAuthorParticipating: bool = False
    # repeated from `paper` at the top level, where huggingface_hub's PaperInfo reads them
    upvotes: int = 0
    projectPage: str | None = None
    githubRepo: str | None = None
    githubStars: int | None = None


class HfListedPaper(HfModel):
    id: str
    title: str
    upvotes: int
    publishedAt: datetime
    authors: list[HfAuthor]
    summary: str
    projectPage: str | None = None
    githubRepo: str | None = None
    thumbnailUrl: str | None = None


class HfCommentLatest(HfModel):
    raw: str
    html: str
    updatedAt: datetime


class HfCommentData(HfModel):
    edited: bool
    hidden: bool = False
    latest: HfCommentLatest
    numEdits: int = 0
    editors: list[str] = []
    reactions: list[Any] = []
    parentCommentId: str | None = None


class HfComment(HfModel):
    """A comment as Hugging Face shapes one, in the list and when it is created."""

    id: str
    createdAt: datetime
    type: str = "comment"
    author: HfUser
    data: HfCommentData


class HfNewComment(HfModel):
    newMessage: HfComment


def hf_comment(
    *,
    comment_id: int,
    created_at: datetime,
    author: str,
    raw: str,
    html: str,
    edited: bool,
    parent: int | None,
    base_url: str,
) -> HfComment:
    return HfComment(
        id=str(comment_id),
        createdAt=created_at,
        author=_user(author, base_url),
        data=HfCommentData(
            edited=edited,
            latest=HfCommentLatest(raw=raw, html=html, updatedAt=created_at),
            numEdits=1 if edited else 0,
            parentCommentId=str(parent) if parent else None,
        ),
    )


def hex24(*parts: object) -> str:
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=12).hexdigest()


@lru_cache(maxsize=4096)  # the same few submitters on every page (never mutated)
def _user(name: str, base_url: str) -> HfUser:
    handle = "".join(ch for ch in name.lower() if ch.isalnum()) or "member"
    return HfUser(
        _id=hex24("user", name),
        avatarUrl=f"{base_url}/static/favicon.svg",
        fullname=name,
        name=handle,
        user=handle,
    )


def arxiv_user(base_url: str) -> HfUser:
    """Harvested papers are 'submitted' by arXiv itself."""
    return _user("arXiv", base_url)


def _links(row: dict[str, Any]) -> tuple[str | None, str | None]:
    links = code_links(row["abstract"], row.get("comments"))
    repo = repo_in(links)
    pages = [x["url"] for x in links if x["kind"] == "project"]
    return (pages[0] if pages else None), (f"https://github.com/{repo}" if repo else None)


def _listed_at(row: dict[str, Any]) -> datetime:
    submitted = row.get("submitted_at")
    if submitted:
        return submitted
    return datetime.combine(row["feed_date"], time(0, 0), tzinfo=UTC)


def hf_paper(
    row: dict[str, Any], base_url: str, *, detail: bool = False, stars: int | None = None
) -> HfPaper:
    project, repo = _links(row)
    submitter = row.get("submitted_by")
    cls = HfPaperDetail if detail else HfPaper
    return cls(
        id=row["arxiv_id"],
        authors=[
            HfAuthor(_id=hex24(row["arxiv_id"], i), name=a["name"])
            for i, a in enumerate(row["authors"])
        ],
        publishedAt=row["published_at"] or _listed_at(row),
        title=row["title"],
        summary=row["abstract"],
        upvotes=row.get("upvotes") or 0,
        discussionId=hex24("discussion", row["arxiv_id"]),
        submittedOnDailyAt=_listed_at(row),
        submittedOnDailyBy=_user(submitter, base_url) if submitter else arxiv_user(base_url),
        projectPage=project,
        githubRepo=repo,
        githubStars=stars,
    )


def hf_daily(
    row: dict[str, Any], base_url: str, num_comments: int = 0, stars: int | None = None
) -> HfDailyPaper:
    paper = hf_paper(row, base_url, stars=stars)
    return HfDailyPaper(
        paper=paper,
        publishedAt=_listed_at(row),
        title=row["title"],
        summary=row["abstract"],
        thumbnail=f"{base_url}/thumbnails/{row['arxiv_id']}.webp",
        numComments=num_comments,
        submittedBy=paper.submittedOnDailyBy or arxiv_user(base_url),
        upvotes=paper.upvotes,
        projectPage=paper.projectPage,
        githubRepo=paper.githubRepo,
        githubStars=paper.githubStars,
    )


def hf_listed(row: dict[str, Any], base_url: str) -> HfListedPaper:
    project, repo = _links(row)
    return HfListedPaper(
        id=row["arxiv_id"],
        title=row["title"],
        upvotes=row.get("upvotes") or 0,
        publishedAt=row["published_at"] or _listed_at(row),
        authors=[
            HfAuthor(_id=hex24(row["arxiv_id"], i), name=a["name"])
            for i, a in enumerate(row["authors"])
        ],
        summary=row["abstract"],
        projectPage=project,
        githubRepo=repo,
        thumbnailUrl=f"{base_url}/thumbnails/{row['arxiv_id']}.webp",
    )
