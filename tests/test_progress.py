"""Progress on a terminal: a stage that runs past a couple of seconds shows a bar on
stderr when stderr is a terminal; never in a pipe (cron, a log file), nor with -q. Real
runs of `digest run`, fetching a page that a loopback server takes 3 s to send."""

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from concurrent.futures import ThreadPoolExecutor

from helpers import RAIN
from site_server import slow

FETCH = "[fetch]\ntimeout = 20\nretries = 0\n"  # read by the site fixture


def _stderr(args: list[str], terminal: bool, env: dict[str, str]) -> str:
    """What `digest run ARGS` writes to stderr: a terminal (a pty), or a pipe."""
    command = [sys.executable, "-m", "digest", "run", *args]
    if not terminal:
        return subprocess.run(
            command, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120, env=env
        ).stderr
    main, side = pty.openpty()
    fcntl.ioctl(side, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))  # 80 columns
    seen = b""
    with subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=side, env=env
    ) as child:
        os.close(side)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if select.select([main], [], [], 1)[0]:
                try:
                    chunk = os.read(main, 65536)
                except OSError:  # the run is over: its side of the terminal is closed
                    break
                if not chunk:
                    break
                seen += chunk
        child.wait(timeout=10)
    os.close(main)
    return seen.decode("utf-8", "replace")


# (on a terminal, with -q, a bar shown)
CASES = {
    "terminal": (True, False, True),
    "pipe": (False, False, False),
    "terminal -q": (True, True, False),
}


def test_a_long_stage_shows_its_progress_on_a_terminal_only(site, tmp_path):
    """The three runs at once, each with its own folders: each mostly waits for the page."""
    site.routes = {"/rain.html": slow(RAIN, 3)}

    def stderr(case: str) -> str:
        terminal, quiet, _ = CASES[case]
        env = {**os.environ, "DIGEST_HOME": str(tmp_path / case / "home")}
        return _stderr(
            [
                "--url",
                f"{site.url}/rain.html",
                "-d",
                "2026-11-21",
                "-o",
                str(tmp_path / case / "out"),
                "--lang",
                "pt",
                *(["-q"] if quiet else []),
            ],
            terminal,
            env,
        )

    with ThreadPoolExecutor(len(CASES)) as pool:
        said = dict(zip(CASES, pool.map(stderr, CASES)))
    for case, (_, _, shown) in CASES.items():
        err = said[case]
        assert ("fetching" in err) == shown, (case, err)
        if shown:
            assert "1 pages [00:0" in err  # tqdm's bar: "fetching: 1 pages [00:03, ...]"
        assert "Traceback" not in err
        assert (tmp_path / case / "out" / "2026-11-21.md").is_file()  # the run's briefing
