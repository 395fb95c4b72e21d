"""Invented papers whose topics differ, for ranking and meaning tests."""

from datetime import UTC, datetime

from tests import records as R

D1 = datetime(2026, 8, 3, 12, 0, tzinfo=UTC)  # listed Tue 4 Aug
D2 = datetime(2026, 8, 5, 12, 0, tzinfo=UTC)  # listed Thu 6 Aug

TOPICAL = [
    R.Rec(
        id="2608.10001",
        title="Protein folding with diffusion",
        abstract="A generative diffusion model predicts the three-dimensional structure of "
        "proteins from their amino acid sequence.",
        categories="q-bio.BM cs.LG",
        versions=[D1],
    ),
    R.Rec(
        id="2608.10002",
        title="Self-driving cars in heavy rain",
        abstract="Autonomous vehicles lose lidar returns in rain; we fuse radar and cameras so "
        "that the car still detects pedestrians.",
        categories="cs.RO cs.CV",
        versions=[D1],
    ),
    R.Rec(
        id="2608.10003",
        title="Translating low-resource languages",
        abstract="Machine translation for languages with little parallel text, using "
        "back-translation and a multilingual pretrained transformer.",
        categories="cs.CL",
        versions=[D2],
    ),
    R.Rec(
        id="2608.10004",
        title="Faster sorting on graphics cards",
        abstract="A radix sort for GPUs that halves memory traffic. Diffusion is not involved.",
        categories="cs.DC",
        versions=[D2],
        authors=[("Quill", "Ada", [])],
    ),
    R.Rec(
        id="2608.10005",
        title="Radar odometry",
        abstract="Estimating how a robot moves from radar scans alone, in fog and rain.",
        categories="cs.RO",
        versions=[D2],
    ),
]
