from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CSTNEWS = ROOT.parent / "shared" / "corpora" / "cstnews-dev"


@pytest.fixture
def seeds() -> Path:
    return SEEDS


@pytest.fixture
def cstnews() -> Path:
    if not CSTNEWS.is_dir():
        pytest.skip(f"the evaluation corpus is not beside the repo ({CSTNEWS})")
    return CSTNEWS


def seed_text(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")
