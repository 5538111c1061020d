"""Fixtures only; what tests share besides lives in tests/helpers.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import CSTNEWS, SEEDS, isolate


@pytest.fixture
def seeds() -> Path:
    return SEEDS


@pytest.fixture
def cstnews() -> Path:
    if not CSTNEWS.is_dir():
        pytest.skip(f"the evaluation corpus is not beside the repo ({CSTNEWS})")
    return CSTNEWS


@pytest.fixture
def site(request, isolated_settings):
    """A news site on 127.0.0.1 (tests/site_server.py), and settings that fetch from it
    quickly; a test module may give its own [fetch] table as FETCH."""
    from site_server import Site

    server = Site()
    isolated_settings.write_text(
        getattr(request.module, "FETCH", "[fetch]\ntimeout = 1\nretries = 0\n")
    )
    yield server
    server.close()


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
