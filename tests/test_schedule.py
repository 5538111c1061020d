"""`digest schedule`: the cron entry, in a real tab file and the real crontab."""

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import SEEDS, cli

from digest.render import templates_dir

OTHER = "MAILTO=ana@example.org\n# backups\n30 2 * * * /usr/local/bin/backup --all\n"


def entries(text: str) -> list[str]:
    return [line for line in text.splitlines() if "# digest: daily briefing" in line]


def test_install_twice_writes_one_entry_and_keeps_the_rest(tmp_path):
    tab = tmp_path / "crontab"
    tab.write_text(OTHER)
    out = tmp_path / "briefings"
    for at in ("06:30", "07:00"):
        result = cli(
            "schedule",
            "install",
            "--at",
            at,
            "--send",
            "--input",
            SEEDS,
            "--out",
            out,
            "--tabfile",
            tab,
        )
        assert result.exit_code == 0, result.output
    text = tab.read_text()
    assert text.startswith(OTHER)
    (line,) = entries(text)
    assert line.startswith("0 7 * * * ")
    command = line[len("0 7 * * * ") : line.index(" # digest")]
    args = shlex.split(command)
    # The data folder in use when installing (cron would otherwise use the default one).
    assert args[0] == f"DIGEST_HOME={Path(os.environ['DIGEST_HOME']).resolve()}"
    assert Path(args[1]).is_absolute() and os.access(args[1], os.X_OK)
    assert args[args.index("run") :] == [
        "run",
        f"--input={SEEDS}",
        f"--out={out}",
        "--send",
        ">>",
        str(out / "digest.log"),
        "2>&1",
    ]
    assert result.output.strip() == line

    assert cli("schedule", "show", "--tabfile", tab).output.strip() == line
    assert cli("schedule", "remove", "--tabfile", tab).output.strip() == "removed the digest entry"
    assert tab.read_text() == OTHER
    assert cli("schedule", "show", "--tabfile", tab).output.strip() == "no digest entry"


def test_the_entry_runs_as_cron_runs_it(tmp_path, isolated_settings, monkeypatch):
    """cron's way: /bin/sh, a bare environment, the home folder as working folder."""
    isolated_settings.write_text('lang = "pt"\n')
    tab, out = tmp_path / "crontab", tmp_path / "out 100%"
    # Templates of one's own, from DIGEST_TEMPLATES (given relative to where one is).
    mine = tmp_path / "my templates"
    shutil.copytree(templates_dir(), mine)  # the installed ones
    with (mine / "briefing.md.j2").open("a") as template:
        template.write("\nFeito pela redação.\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DIGEST_TEMPLATES", mine.name)
    assert (
        cli(
            "schedule", "install", "--at", "07:00", "--input", SEEDS, "--out", out, "--tabfile", tab
        ).exit_code
        == 0
    )
    (line,) = entries(tab.read_text())
    assert str(isolated_settings) in line  # the settings file in use, by absolute path
    assert f"DIGEST_TEMPLATES={shlex.quote(str(mine))} " in line
    command = line[len("0 7 * * * ") : line.index(" # digest")].replace(r"\%", "%")
    home = tmp_path / "home"
    home.mkdir()
    done = subprocess.run(
        ["/bin/sh", "-c", command],
        cwd=home,
        capture_output=True,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin", "SHELL": "/bin/sh"},
    )
    assert done.returncode == 0, done.stderr
    briefings = list(out.glob("*.md"))
    assert len(briefings) == 1 and "Resumo diário" in briefings[0].read_text()
    assert briefings[0].read_text().endswith("\nFeito pela redação.\n")
    assert (
        f"{briefings[0]} (13 stories from 14 articles in 5 files)"
        in (out / "digest.log").read_text()
    )


@pytest.mark.parametrize(
    "args, error",
    [
        (["--at", "7am", "--input", "seeds"], "Error: --at '7am': use HH:MM, e.g. 07:00"),
        (["--at", "07:00"], "Error: say which articles to read: --input DIR, or inputs in "),
    ],
)
def test_install_errors_are_one_line(tmp_path, args, error):
    result = cli("schedule", "install", *args, "--tabfile", tmp_path / "tab")
    assert result.exit_code == 1 and result.stderr.startswith(error)
    assert len(result.stderr.splitlines()) == 1 and not (tmp_path / "tab").exists()


def test_inputs_from_the_settings_need_no_input_option(tmp_path, isolated_settings):
    isolated_settings.write_text(f'inputs = ["{SEEDS}"]\n')
    result = cli(
        "schedule",
        "install",
        "--at",
        "07:00",
        "--out",
        tmp_path / "out",
        "--tabfile",
        tmp_path / "tab",
    )
    assert result.exit_code == 0, result.output
    (line,) = entries((tmp_path / "tab").read_text())
    assert "--input" not in line and f"--config {isolated_settings}" in line


@pytest.mark.skipif(not shutil.which("crontab"), reason="no crontab program here")
def test_the_real_crontab(tmp_path):
    listed = subprocess.run(["crontab", "-l"], capture_output=True, text=True)
    before = listed.stdout if listed.returncode == 0 else None
    try:
        for _ in range(2):
            result = cli(
                "schedule", "install", "--at", "07:15", "--input", SEEDS, "--out", tmp_path
            )
            assert result.exit_code == 0, result.output
        now = subprocess.run(["crontab", "-l"], capture_output=True, text=True).stdout
        (line,) = entries(now)
        assert line.startswith("15 7 * * * ")
        assert cli("schedule", "show").output.strip() == line
        assert cli("schedule", "remove").exit_code == 0
        now = subprocess.run(["crontab", "-l"], capture_output=True, text=True).stdout
        assert entries(now) == []
    finally:
        if before is None:
            subprocess.run(["crontab", "-r"], capture_output=True)
        else:
            subprocess.run(["crontab", "-"], input=before, text=True, check=True)


# A crontab as people write them: variables, @reboot, a day-of-month job that
# python-crontab turned into @monthly, a % that cron makes a newline, odd spacing, quoting,
# comments, a blank line.
CRONTAB = (
    "PATH = /usr/local/bin:/usr/bin:/bin\n"
    'MAILTO = "ana@example.org"\n'
    "# backups, every night\n"
    "@reboot   /usr/local/bin/mount-backups\n"
    "0 0 1 * * /usr/local/bin/report --month=$(date +\\%m) %monthly report\n"
    "\n"
    "30  2 * * *\t/usr/local/bin/backup   --all  # nightly\n"
    "*/5 * * * * echo 'a   b' >/dev/null"
)


def install(tab, tmp_path, at):
    """`digest schedule install` of the seeds at `at` into the crontab file `tab`."""
    return cli(
        "schedule",
        "install",
        "--at",
        at,
        "--input",
        SEEDS,
        "--out",
        tmp_path / "out",
        "--tabfile",
        tab,
    )


@pytest.mark.parametrize("ending", ["", "\n"], ids=["no newline at the end", "newline"])
def test_install_and_remove_change_only_the_digest_line(tmp_path, ending):
    tab = tmp_path / "crontab"
    tab.write_bytes((CRONTAB + ending).encode())
    result = install(tab, tmp_path, "07:00")
    assert result.exit_code == 0, result.output
    line = result.output.strip()
    # After the last whole line: a last line without a newline stays as it was.
    whole, rest = CRONTAB.rsplit("\n", 1) if not ending else (CRONTAB, "")
    assert tab.read_bytes() == f"{whole}\n{line}\n{rest}".encode()
    assert cli("schedule", "remove", "--tabfile", tab).exit_code == 0
    assert tab.read_bytes() == (CRONTAB + ending).encode()


def test_install_replaces_the_entry_where_it_is(tmp_path):
    tab = tmp_path / "crontab"
    old = (
        "0 6 * * * /old/venv/bin/digest run --input=/old >> /old/digest.log 2>&1 "
        "# digest: daily briefing"
    )
    head, tail = 'MAILTO=""\n@reboot /bin/true\n', "0 0 1 * * /bin/monthly   %x\n"
    tab.write_bytes(f"{head}{old}\n{tail}".encode())
    result = install(tab, tmp_path, "07:30")
    assert result.exit_code == 0, result.output
    assert tab.read_bytes() == f"{head}{result.output.strip()}\n{tail}".encode()


@pytest.mark.parametrize("option", ["--input", "--out", "--log", "--config"])
@pytest.mark.parametrize(
    "bad", ["\n* * * * * rm -rf ~", "\r", "\\%"], ids=["newline", "CR", "backslash-percent"]
)
def test_a_path_a_crontab_line_cannot_carry_is_refused(tmp_path, isolated_settings, option, bad):
    odd = tmp_path / f"x{bad}y"
    odd.mkdir()
    paths = {
        "--input": SEEDS,
        "--out": tmp_path / "out",
        "--log": tmp_path / "digest.log",
        "--config": isolated_settings,
    }
    paths[option] = {
        "--input": odd,
        "--out": odd,
        "--log": odd / "digest.log",
        "--config": odd / "digest.toml",
    }[option]
    paths["--config"].write_text("", encoding="utf-8")
    tab = tmp_path / "crontab"
    tab.write_text(CRONTAB)
    result = cli(
        "--config",
        paths.pop("--config"),
        "schedule",
        "install",
        "--at",
        "07:00",
        *[x for item in paths.items() for x in item],
        "--tabfile",
        tab,
    )
    assert result.exit_code == 1
    bad_path = odd / "digest.toml" if option == "--config" else paths[option]
    assert result.stderr == (
        f"Error: {option}: {str(bad_path)!r}: a crontab line cannot "
        "carry a line break, a NUL, a byte that is not UTF-8 or a "
        "backslash before a %\n"
    )
    assert tab.read_text() == CRONTAB


FAKE_CRONTAB = """#!/bin/sh
# crontab(1) for the tests: the user's crontab is the file $CRONTAB_FILE.
case "$1" in
  -l) [ -f "$CRONTAB_FILE" ] && exec cat "$CRONTAB_FILE"
      echo "no crontab for $(id -un)" >&2; exit 1 ;;
  -) exec cat > "$CRONTAB_FILE" ;;
  *) exec cp "$1" "$CRONTAB_FILE" ;;
esac
"""


def test_the_users_crontab_through_the_crontab_program(tmp_path, monkeypatch):
    """`crontab -l` and `crontab -`, as a real program (this one keeps it in a file)."""
    bin_dir, tab = tmp_path / "bin", tmp_path / "user-crontab"
    bin_dir.mkdir()
    (bin_dir / "crontab").write_text(FAKE_CRONTAB)
    (bin_dir / "crontab").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("CRONTAB_FILE", str(tab))
    assert cli("schedule", "show").output == "no digest entry\n"
    tab.write_bytes(CRONTAB.encode() + b"\n")
    result = cli(
        "schedule", "install", "--at", "07:15", "--input", SEEDS, "--out", tmp_path / "out"
    )
    assert result.exit_code == 0, result.output
    line = result.output.strip()
    assert line.startswith("15 7 * * * ")
    assert tab.read_bytes() == f"{CRONTAB}\n{line}\n".encode()
    assert cli("schedule", "show").output.strip() == line
    assert cli("schedule", "remove").output.strip() == "removed the digest entry"
    assert tab.read_bytes() == CRONTAB.encode() + b"\n"
