"""Members with papers of three invented topics, embedded by the real model, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paperfeed.config import Settings
from paperfeed.search.indexing import embed_pending
from tests import records as R
from tests.community.conftest import (  # noqa: F401  (fixtures used here)
    client,
    csrf,
    inbox,
    sign_up,
    site_settings,
    smtp,
)
from tests.web.conftest import store

DAY = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # a Monday: listed from Tuesday on


def _rec(n: int, title: str, abstract: str, authors: list[str], cats: str, day: int) -> R.Rec:
    return R.Rec(
        id=f"2611.{n:05d}",
        title=title,
        abstract=abstract,
        authors=[(a.split()[-1], " ".join(a.split()[:-1]), []) for a in authors],
        categories=cats,
        versions=[DAY + timedelta(days=day)],
        comments=None,
    )


DECODING = [
    _rec(
        101,
        "Speculative decoding with a small draft model",
        "A draft model proposes tokens that a large language model verifies in parallel, "
        "speeding up inference of transformers.",
        ["Mira Chen", "Tom Hale"],
        "cs.CL cs.LG",
        0,
    ),
    _rec(
        102,
        "Faster language model inference by verifying drafted tokens",
        "We accelerate autoregressive generation of large language models: a cheap drafter "
        "guesses several tokens and the target model accepts or rejects them.",
        ["Tom Hale"],
        "cs.CL",
        1,
    ),
    _rec(
        103,
        "Tree-structured speculation for LLM serving",
        "Speculative decoding over a tree of draft continuations raises the acceptance rate "
        "and the throughput of language model serving.",
        ["Ravi Iyer"],
        "cs.CL",
        2,
    ),
    _rec(
        104,
        "Lookahead decoding without a draft model",
        "Parallel decoding of language models by guessing n-grams from the model's own "
        "trajectory; no separate draft model is needed.",
        ["Lena Vogt"],
        "cs.CL cs.AI",
        3,
    ),
    _rec(
        105,
        "Quantised key-value caches for long-context generation",
        "Compressing the attention cache of transformer language models speeds up decoding "
        "of long sequences.",
        ["Mira Chen"],
        "cs.LG",
        3,
    ),
]
GRASPING = [
    _rec(
        201,
        "Learning dexterous grasps for a robot hand",
        "A robot hand learns to grasp unseen objects from tactile and visual feedback with "
        "reinforcement learning.",
        ["Ada Okafor", "Ben Stone"],
        "cs.RO",
        0,
    ),
    _rec(
        202,
        "Tactile sensing for robotic manipulation of deformable objects",
        "Robotic manipulation of cloth and cables with touch sensors on the gripper.",
        ["Ben Stone"],
        "cs.RO",
        1,
    ),
    _rec(
        203,
        "Grasp planning from point clouds",
        "A network predicts stable grasp poses for a parallel-jaw gripper from depth "
        "camera point clouds.",
        ["Ada Okafor"],
        "cs.RO cs.CV",
        2,
    ),
    _rec(
        204,
        "Sim-to-real transfer of pick-and-place policies",
        "Robot arm policies trained in simulation pick and place objects on a real "
        "robot after domain randomisation.",
        ["Kim Park"],
        "cs.RO",
        3,
    ),
]
PROTEINS = [
    _rec(
        301,
        "Protein structure prediction with equivariant networks",
        "An equivariant graph network predicts the three-dimensional structure of proteins "
        "from their amino acid sequence.",
        ["Sara Lind"],
        "q-bio.BM cs.LG",
        0,
    ),
    _rec(
        302,
        "Designing enzymes with diffusion models",
        "A diffusion model generates protein backbones and sequences for new enzymes.",
        ["Sara Lind", "Omar Haddad"],
        "q-bio.BM",
        1,
    ),
    _rec(
        303,
        "Predicting protein-ligand binding affinity",
        "Binding affinity of small molecules to protein pockets, learned from crystal "
        "structures for drug discovery.",
        ["Omar Haddad"],
        "q-bio.BM",
        2,
    ),
    _rec(
        304,
        "Protein language models for mutation effects",
        "A language model trained on protein sequences predicts the effect of mutations "
        "on stability.",
        ["Ines Costa"],
        "q-bio.BM cs.CL",
        3,
    ),
]
CORPUS = DECODING + GRASPING + PROTEINS


@pytest.fixture
def corpus(engine: Engine, request: pytest.FixtureRequest) -> list[R.Rec]:
    """The invented papers, stored and embedded with all-MiniLM-L6-v2."""
    settings: Settings = request.getfixturevalue("site_settings")
    store(engine, CORPUS)
    result = embed_pending(engine, settings)
    assert result.embedded == len(CORPUS)
    return CORPUS


def headers(http: TestClient) -> dict[str, str]:
    """What the page's buttons send: the CSRF token in a header."""
    return {"X-CSRF-Token": csrf(http), "Accept": "application/json"}


def for_you(http: TestClient, window: str = "month", limit: int = 500) -> list[dict]:
    r = http.get(f"/api/for-you?window={window}&limit={limit}")
    assert r.status_code == 200, r.text
    return r.json()


def ids(items: list[dict]) -> list[str]:
    return [i["paper"]["id"] for i in items]


@pytest.fixture
def member(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    """Mira, signed up, confirmed and logged in."""
    http: TestClient = request.getfixturevalue("client")
    sign_up(http, request.getfixturevalue("inbox"), "mira@example.org", "Mira")
    yield http
