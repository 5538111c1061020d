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


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory, monkeypatch):
    """Each test starts from an empty digest.toml and no DIGEST_* variables, whatever
    the machine's own settings."""
    import os

    for name in list(os.environ):
        if name.startswith("DIGEST_"):
            monkeypatch.delenv(name)
    config = tmp_path_factory.mktemp("config") / "digest.toml"
    config.write_text("")
    monkeypatch.setenv("DIGEST_CONFIG", str(config))
    return config
