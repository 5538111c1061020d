"""The docs stay true to the program: every command, option and setting is described by
hand in docs/cli.md and docs/settings.md, and each transcript between
`<!-- generated: NAME -->` and `<!-- end -->` is what digest prints now.

After changing a command, an option or a setting, rewrite the transcripts with

    python tests/test_docs.py --write
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import click
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import ROOT

DOCS = ROOT / "docs"
GENERATED = re.compile(r"(<!-- generated: (.+?) -->\n)(.*?)(<!-- end -->)", re.S)
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.S | re.M)
HOME = "/home/me"  # what the transcripts show for the home folder
WIDTH = 80  # the terminal the --help transcripts are written for


def commands(
    command: click.Command | None = None, path: tuple[str, ...] = ("digest",)
) -> Iterator[tuple[str, click.Command]]:
    """('digest run', its click command) for digest and every command and subcommand."""
    if command is None:
        from digest.cli import main as command
    yield " ".join(path), command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from commands(sub, (*path, name))


def names(param: click.Parameter) -> list[str]:
    """What a user types for a parameter: an option's every spelling, an argument's name."""
    if isinstance(param, click.Option):
        return [*param.opts, *param.secondary_opts]
    return [param.human_readable_name]


def invoke(args: list[str], env: dict[str, str | None]) -> str:
    """What `digest ARGS` prints, in a terminal WIDTH wide, with only the given DIGEST_*
    and HF_* variables (none of the machine's own settings leak in)."""
    from digest.cli import main

    clean: dict[str, str | None] = {
        k: None for k in os.environ if k.startswith(("DIGEST_", "HF_", "XDG_"))
    }
    done = CliRunner().invoke(
        main,
        args,
        env={**clean, **env},
        terminal_width=WIDTH,
        prog_name="digest",
        catch_exceptions=False,
    )
    assert done.exit_code == 0, done.output
    return done.output


def sample_settings() -> str:
    """The annotated digest.toml in docs/settings.md (the TOML block that starts so)."""
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    return next(
        code
        for lang, code in FENCE.findall(text)
        if lang == "toml" and code.startswith("# digest.toml")
    )


def settings_table() -> str:
    from digest.config import SETTINGS

    def cell(value: object) -> str:
        if value is None or value == "" or value == []:
            return ""
        return "`" + (str(value).lower() if isinstance(value, bool) else str(value)) + "`"

    rows = ["| setting | default | environment | meaning |", "|---|---|---|---|"]
    rows += [
        f"| `{s.key}` | {cell(s.default)} | {cell(s.env)} | {s.help.replace('|', '/')} |"
        for s in SETTINGS.values()
    ]
    return "\n".join(rows) + "\n"


def transcript(shown: str, output: str) -> str:
    return f"```text\n$ {shown}\n{output}```\n"


def generate(name: str) -> str:
    """The text of the generated block NAME: 'settings', 'help digest CMD...',
    'config show', 'backends' or 'models list'."""
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.toml"
        empty.write_text("")
        env: dict[str, str | None] = {
            "DIGEST_CONFIG": str(empty),
            "HOME": tmp,
            "HF_HUB_CACHE": str(Path(tmp) / "hub"),
        }
        if name == "settings":
            return settings_table()
        if name.startswith("help digest"):
            words = name.split()[2:]
            return transcript(
                f"digest {' '.join(words)} --help".replace("  ", " "),
                invoke([*words, "--help"], env),
            )
        if name == "config show":
            config = Path(tmp) / ".config" / "digest" / "digest.toml"
            config.parent.mkdir(parents=True)
            config.write_text(sample_settings(), encoding="utf-8")
            output = invoke(
                ["config", "show"],
                {**env, "DIGEST_CONFIG": str(config), "DIGEST_SMTP_PASSWORD": "secret"},
            )
            return transcript(
                "DIGEST_SMTP_PASSWORD=… digest config show",
                output.replace(str(Path(tmp).resolve()), HOME).replace(tmp, HOME),
            )
        if name in ("backends", "models list"):
            return transcript(f"digest {name}", invoke(name.split(), env))
    raise ValueError(f"no generator for '<!-- generated: {name} -->'")


def regenerated(text: str) -> str:
    return GENERATED.sub(lambda m: m[1] + generate(m[2]) + m[4], text)


def doc_files() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


def by_hand(text: str) -> str:
    """The text without its generated blocks: what a person wrote."""
    return GENERATED.sub("", text)


def sections(text: str) -> dict[str, str]:
    """Each heading's text (its level's marks stripped), to its section: everything up
    to the next heading of the same or a higher level. Headings inside code are not."""
    outside = FENCE.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), text)  # same offsets
    heads = [
        (m.start(), len(m[1]), m[2].strip()) for m in re.finditer(r"^(#+) (.+)$", outside, re.M)
    ]
    out = {}
    for k, (start, level, title) in enumerate(heads):
        end = next((s for s, lv, _ in heads[k + 1 :] if lv <= level), len(text))
        out[title] = text[start:end]
    return out


def mentioned(word: str, text: str) -> bool:
    """Whether `word` is in a `code span` of the prose, as a whole word (`-w` in `-w N`);
    code blocks (synopses, transcripts) do not count."""
    pattern = rf"(?<![\w-]){re.escape(word)}(?![\w-])"
    return any(re.search(pattern, span) for span in re.findall(r"`([^`\n]+)`", FENCE.sub("", text)))


def undocumented_options(cli_md: str) -> list[str]:
    """'digest CMD --option' for every command, option or argument docs/cli.md does not
    describe by hand: each command needs a heading of its own ('## `digest run`') whose
    section, transcripts aside, names each of its options in code."""
    heads = sections(by_hand(cli_md))
    missing = []
    for path, command in commands():
        section = next(
            (body for title, body in heads.items() if title.split("`")[1:2] == [path]), None
        )
        if section is None:
            missing.append(path)
            continue
        missing += [
            f"{path} {name}"
            for param in command.params
            for name in names(param)
            if name != "--help" and not mentioned(name, section)
        ]
    return missing


def undocumented_settings(settings_md: str) -> list[str]:
    """The settings that docs/settings.md names nowhere outside its generated table:
    neither in code (`smtp.host`) nor as a key of its sample digest.toml."""
    from digest.config import SETTINGS

    text = by_hand(settings_md)
    keys, table = set(), ""
    for lang, code in FENCE.findall(text):
        for line in code.splitlines() if lang == "toml" else ():
            if m := re.match(r"\s*\[([\w.]+)\]", line):
                table = m[1] + "."
            elif m := re.match(r"\s*#?\s*([\w.]+)\s*=", line):
                keys.add(table + m[1])
    return [key for key in SETTINGS if key not in keys and not mentioned(key, text)]


def test_every_command_and_option_is_described_in_cli_md():
    assert undocumented_options((DOCS / "cli.md").read_text(encoding="utf-8")) == []


def test_an_undocumented_option_or_command_is_found():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert undocumented_options(text.replace("`--follow`", "follow")) == ["digest run --follow"]
    assert "digest schedule show" in undocumented_options(
        text.replace("## `digest schedule show`", "## Show the entry")
    )


def test_every_setting_is_described_in_settings_md():
    assert undocumented_settings((DOCS / "settings.md").read_text(encoding="utf-8")) == []


def test_an_undocumented_setting_is_found():
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    text = re.sub(r"^(follow = .*)$", "", text, flags=re.M).replace("`follow`", "follow")
    assert undocumented_settings(text) == ["follow"]


def test_the_sample_settings_file_is_one_digest_reads(tmp_path):
    """Every key of the sample is a setting, and digest takes its values."""
    from digest.config import SETTINGS, _flatten, load, tomllib

    sample = sample_settings()
    assert set(_flatten(tomllib.loads(sample))) <= set(SETTINGS)
    (tmp_path / "digest.toml").write_text(sample, encoding="utf-8")
    load(tmp_path / "digest.toml", environ={})


def test_every_command_has_its_help_in_cli_md():
    blocks = {
        name for _, name, _, _ in GENERATED.findall((DOCS / "cli.md").read_text(encoding="utf-8"))
    }
    assert {f"help {path}" for path, _ in commands()} <= blocks


def test_the_generated_parts_are_what_digest_prints_now():
    stale = [
        path.relative_to(ROOT).as_posix()
        for path in doc_files()
        if regenerated(text := path.read_text(encoding="utf-8")) != text
    ]
    assert stale == [], "run `python tests/test_docs.py --write`"


def test_a_changed_transcript_is_found():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    changed = text.replace("Show this message and exit.", "Show this message.", 1)
    assert regenerated(changed) == text != changed


def slug(title: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as '-'."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


def test_links_between_the_docs_lead_somewhere():
    """Every link to a docs/ file, or to a heading in one, finds it."""
    anchors = {
        path.resolve(): {slug(t) for t in sections(path.read_text(encoding="utf-8"))}
        for path in doc_files()
    }
    broken = []
    for path in doc_files():
        text = re.sub(r"`[^`]*`", "", FENCE.sub("", path.read_text(encoding="utf-8")))
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"\w+:", target):
                continue
            file, _, anchor = target.partition("#")
            where = (path.parent / file).resolve() if file else path.resolve()
            if "docs" not in where.parts and where != path.resolve():
                continue  # files beside the docs (CONTRIBUTING.md) are others' to keep
            if where not in anchors or (anchor and anchor not in anchors[where]):
                broken.append(f"{path.relative_to(ROOT)}: {target}")
    assert broken == []


def test_bench_figures_are_quoted_in_performance_md_alone():
    """A figure a bench printed appears once: in docs/performance.md's transcripts.
    (Round numbers, one digit and zeros such as 1.000 or 0.01, say nothing of a bench.)"""
    performance = (DOCS / "performance.md").read_text(encoding="utf-8")
    number = r"(?<![\w.,])\d+\.\d+(?![\w.])"
    figures = {
        f
        for _, code in FENCE.findall(performance)
        for f in re.findall(number, code)
        if len(f.replace(".", "").strip("0")) > 1
    }
    copies = [
        f"{path.relative_to(ROOT)}: {f}"
        for path in doc_files()
        if path.name != "performance.md"
        for f in sorted(set(re.findall(number, path.read_text(encoding="utf-8"))))
        if f in figures
    ]
    assert copies == []


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit(__doc__)
    for path in doc_files():
        text = path.read_text(encoding="utf-8")
        if (new := regenerated(text)) != text:
            path.write_text(new, encoding="utf-8")
            print(f"rewrote {path.relative_to(ROOT)}")
