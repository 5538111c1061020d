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


def isolate(mp: pytest.MonkeyPatch, folder: Path) -> Path:
    """Point digest at an empty digest.toml and an empty data folder under `folder`, and
    drop the machine's DIGEST_* variables; returns the settings file."""
    import os

    for name in list(os.environ):
        if name.startswith("DIGEST_"):
            mp.delenv(name)
    config = folder / "digest.toml"
    config.write_text("")
    mp.setenv("DIGEST_CONFIG", str(config))
    mp.setenv("DIGEST_HOME", str(folder / "home"))
    return config


@pytest.fixture(scope="module", autouse=True)
def isolated_module(tmp_path_factory):
    """The same for module-scoped fixtures, which run before any test's own."""
    mp = pytest.MonkeyPatch()
    isolate(mp, tmp_path_factory.mktemp("module"))
    yield
    mp.undo()


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory, monkeypatch):
    """Each test starts from an empty digest.toml, an empty data folder and no DIGEST_*
    variables, whatever the machine's own settings and state."""
    return isolate(monkeypatch, tmp_path_factory.mktemp("settings"))
