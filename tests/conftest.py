from __future__ import annotations

import socket
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

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


def digest(*args: object, input: str | bytes | None = None,
           env: dict[str, str] | None = None) -> Result:
    """Run the digest command line in this process, as a user would type it; an
    exception digest does not turn into a one-line error fails the test."""
    from digest.cli import main

    return CliRunner().invoke(main, [str(a) for a in args], input=input, env=env,
                              catch_exceptions=False)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (just now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def site(request, isolated_settings):
    """A news site on 127.0.0.1 (tests/site_server.py), and settings that fetch from it
    quickly; a test module may give its own [fetch] table as FETCH."""
    from site_server import Site

    server = Site()
    isolated_settings.write_text(getattr(request.module, "FETCH",
                                         "[fetch]\ntimeout = 1\nretries = 0\n"))
    yield server
    server.close()


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
