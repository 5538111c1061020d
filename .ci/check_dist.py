"""CI: the wheel and sdist, built from a clone without symlinks (as Git for Windows
makes by default), hold what they must, and the sdist's own tests pass against the
wheel installed in a fresh venv outside the source tree.

    python .ci/check_dist.py [PYTEST ARGS]    # default: -m "not slow" (CI ran those)
"""

from __future__ import annotations

import shutil
import site
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The package data comes from these folders of the project (templates/ installs as
# digest/templates, prompts/ as digest/prompts); every file in them but the modules.
DATA_FOLDERS = {"templates": "digest/templates", "prompts": "digest/prompts"}
TYPED = "digest/py.typed"
# What the test suite needs beside the package.
SDIST = [
    "LICENSE",
    "README.md",
    "pyproject.toml",
    "tests/conftest.py",
    "tests/models.py",
    "tests/site_server.py",
    "seeds/000_87b21344010ebffb.txt",
    "bench/tune.py",
    "docs/python-api.md",
]
# The slow tests ran against the source in CI just before; the rest cover every module.
PYTEST_ARGS = ["-m", "not slow"]
# Run by the fresh venv's python from the unpacked sdist: where digest and its data
# come from (the first line), then each data file it lacks (one a line).
PROBE = r"""
import sys
from importlib import resources
import digest
missing = [name for name in sys.argv[1:]
           if not resources.files("digest").joinpath(name.removeprefix("digest/")).is_file()]
print(digest.__file__, *missing, sep="\n")
"""


def run(*command: str | Path, cwd: Path | None = None, env: dict | None = None) -> str:
    return subprocess.run(
        [str(c) for c in command], cwd=cwd, env=env, check=True, stdout=subprocess.PIPE, text=True
    ).stdout


def package_data(clone: Path) -> list[str]:
    """The data files the wheel must hold, as paths inside it."""
    data = sorted(
        f"{inside}/{path.name}"
        for folder, inside in DATA_FOLDERS.items()
        for path in (clone / folder).iterdir()
        if path.is_file() and path.suffix != ".py"
    )
    return [*data, TYPED]


def modules(clone: Path) -> list[str]:
    """The package's modules, subpackages' included (a subpackage left out of
    [tool.setuptools] packages would ship without them)."""
    return sorted(p.relative_to(clone).as_posix() for p in (clone / "digest").rglob("*.py"))


def check_contents(wheel: Path, sdist: Path, data: list[str]) -> list[str]:
    """What the wheel or the sdist lacks."""
    names = zipfile.ZipFile(wheel).namelist()
    missing = [f for f in data if f not in names]
    if not any(n.endswith(".dist-info/licenses/LICENSE") for n in names):
        missing.append("LICENSE")
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    points = zipfile.ZipFile(wheel).read(entry_points).decode()
    missing += [g for g in ("[digest.summarizers]", "[digest.translators]") if g not in points]
    with tarfile.open(sdist) as tar:
        top = tar.getnames()[0].split("/")[0]
        members = {n.removeprefix(top + "/") for n in tar.getnames()}
    return missing + [f"sdist: {f}" for f in SDIST if f not in members]


def fresh_venv(venv: Path, wheel: Path) -> Path:
    """A venv with the wheel installed and this interpreter's packages beside it; returns
    its site-packages."""
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    # Only the wheel is installed (no index, no dependencies): torch, transformers and
    # the rest are gigabytes that this interpreter (CI's venv) already has. A .pth file
    # puts its site-packages on the new venv's path after the venv's own, so the wheel's
    # digest is found first; the .pth files in those appended folders are not read
    # (Python reads them only in its own site folders), so the editable install's import
    # hook does not reach the new venv. The probe below checks where digest comes from.
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "-q",
        "--no-deps",
        "--no-index",
        wheel,
    )
    own = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").strip())
    borrowed = [p for p in dict.fromkeys(site.getsitepackages()) if Path(p).is_dir()]
    (own / "_check_dist_dependencies.pth").write_text("".join(f"{p}\n" for p in borrowed))
    return own


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        work.chmod(0o755)  # some tests run digest as the user nobody, from the venv
        run("git", "clone", "-q", "-c", "core.symlinks=false", ROOT, work / "clone")
        run(sys.executable, "-m", "build", "-q", "--outdir", work / "dist", work / "clone")
        (wheel,) = (work / "dist").glob("*.whl")
        (sdist,) = (work / "dist").glob("*.tar.gz")
        data, code = package_data(work / "clone"), modules(work / "clone")
        missing = check_contents(wheel, sdist, data + code)
        if missing:
            sys.exit(f"check_dist: missing from the distributions: {', '.join(missing)}")
        print(
            f"check_dist: {wheel.name} holds the {len(code)} modules, the {len(data)} data "
            f"files (py.typed too), the licence and the entry points; {sdist.name} holds "
            "the tests' helpers and samples"
        )

        with tarfile.open(sdist) as tar:
            top = work / tar.getnames()[0].split("/")[0]
            tar.extractall(work, filter="data")
        # The tests run `python -m digest` and the benches from the sdist's top folder,
        # and the benches put it on sys.path: without the source package there, every
        # import of digest is the installed wheel's.
        for folder in ("digest", *DATA_FOLDERS):
            shutil.rmtree(top / folder)
        venv = work / "venv"
        site_packages = fresh_venv(venv, wheel)
        env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(work)}
        imported, *lacking = run(
            venv / "bin" / "python", "-c", PROBE, *data, cwd=top, env=env
        ).splitlines()
        if lacking or not Path(imported).is_relative_to(site_packages):
            sys.exit(
                f"check_dist: the installed wheel gives digest from {imported}"
                + (f", without {', '.join(lacking)}" if lacking else "")
            )
        print(
            f"check_dist: the tests import digest from {imported}, the fresh venv's "
            "installed wheel, with all its data"
        )
        done = subprocess.run(
            [
                venv / "bin" / "python",
                "-m",
                "pytest",
                "-q",
                "-rs",
                "-p",
                "no:cacheprovider",
                *(sys.argv[1:] or PYTEST_ARGS),
            ],
            cwd=top,
            env=env,
        )
        if done.returncode:
            sys.exit(
                f"check_dist: the sdist's tests failed against the installed wheel "
                f"(pytest exit status {done.returncode})"
            )


if __name__ == "__main__":
    main()
