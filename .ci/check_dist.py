"""CI: the wheel and sdist, built from a clone without symlinks (as Git for Windows
makes by default), hold what they must, and the sdist's own tests run against the
installed wheel.

    python .ci/check_dist.py
"""
from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ["digest/templates/briefing.md.j2", "digest/templates/email.txt.j2",
        "digest/templates/email.html.j2", "digest/prompts/plain.txt",
        "digest/prompts/t5-summarize.txt", "digest/prompts/t5-translate.txt"]
# What the test suite needs beside the package.
SDIST = ["LICENSE", "README.md", "tests/conftest.py", "tests/models.py",
         "tests/site_server.py", "seeds/000_87b21344010ebffb.txt", "bench/tune.py"]
# A quick part of the suite, run from the unpacked sdist against the installed wheel.
TESTS = ["tests/test_clean.py", "tests/test_split.py", "tests/test_summarize.py",
         "tests/test_run.py"]


def run(*command: str | Path, cwd: Path | None = None, env: dict | None = None) -> None:
    subprocess.run([str(c) for c in command], cwd=cwd, env=env, check=True)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        run("git", "clone", "-q", "-c", "core.symlinks=false", ROOT, work / "clone")
        run(sys.executable, "-m", "build", "-q", "--outdir", work / "dist", work / "clone")
        (wheel,) = (work / "dist").glob("*.whl")
        (sdist,) = (work / "dist").glob("*.tar.gz")
        names = zipfile.ZipFile(wheel).namelist()
        missing = [f for f in DATA if f not in names]
        missing += [] if any(n.endswith(".dist-info/licenses/LICENSE") for n in names) \
            else ["LICENSE"]
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        points = zipfile.ZipFile(wheel).read(entry_points).decode()
        missing += [g for g in ("[digest.summarizers]", "[digest.translators]")
                    if g not in points]
        with tarfile.open(sdist) as tar:
            top = tar.getnames()[0].split("/")[0]
            members = {n.removeprefix(top + "/") for n in tar.getnames()}
            missing += [f"sdist: {f}" for f in SDIST if f not in members]
            tar.extractall(work, filter="data")
        if missing:
            sys.exit(f"check_dist: missing from the distributions: {', '.join(missing)}")
        print(f"check_dist: {wheel.name} holds the {len(DATA)} data files, the licence and "
              f"the entry points; {sdist.name} holds the tests' helpers and samples")
        run(sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
            work / "site", wheel)
        env = {"PYTHONPATH": str(work / "site"), "PATH": "/usr/bin:/bin",
               "HOME": str(work)}
        run(sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", *TESTS,
            cwd=work / top, env=env)


if __name__ == "__main__":
    main()
