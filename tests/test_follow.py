"""Stories that continue: real articles over several days in one data folder."""

import re
import shutil

import pytest
from helpers import cli, isolate

DAY1, DAY2 = "2026-11-21", "2026-11-22"


@pytest.fixture
def days(cstnews, tmp_path, monkeypatch):
    """Day one: one report of the Moscow market blast and the volleyball match; day two:
    another outlet's report of the blast, and the Congo plane crash."""
    isolate(monkeypatch, tmp_path)
    folders = {}
    for day, files in (
        (
            DAY1,
            ["c15-mundo-explosaomoscou/d2-estadao.txt", "c08-esportes-ligavolei/d1-estadao.txt"],
        ),
        (DAY2, ["c15-mundo-explosaomoscou/d3-oglobo.txt", "c01-mundo-aviaocongo/d1-folha.txt"]),
    ):
        folders[day] = tmp_path / day
        folders[day].mkdir()
        for name in files:
            shutil.copy(cstnews / name, folders[day] / name.replace("/", "-"))
    return tmp_path, folders


def _blocks(md: str) -> dict[str, str]:
    return {
        re.match(r"## \d+\. (.+)", b)[1]: b
        for b in re.split(r"(?m)^(?=## )", md)
        if re.match(r"## \d+\.", b)
    }


def test_a_story_that_continues_says_since_when_and_repeats_nothing(days):
    tmp, folders = days
    out = tmp / "out"
    for day in (DAY1, DAY2):
        result = cli("run", folders[day], "-d", day, "-o", out, "--top", 0)
        assert result.exit_code == 0, result.output
    first, second = ((out / f"{d}.md").read_text() for d in (DAY1, DAY2))
    blast_then = next(b for h, b in _blocks(first).items() if "Moscou" in h)
    blast = next(b for h, b in _blocks(second).items() if "Moscou" in h or "Polícia" in h)
    congo = next(b for h, b in _blocks(second).items() if "Congo" in h or "avião" in h)
    # Marked, in both languages, with a link to the day it was first shown.
    assert re.search(
        r"^\[Desde 21/11 · Since 21 Nov\]\(<2026-11-21\.md#\d+-[\w-]+>\)$", blast, re.M
    )
    headline_then = re.match(r"## \d+\. (.+)", blast_then)[1]
    assert f"- 21/11: {headline_then}" in blast  # the thread's history
    assert "Desde" not in congo and "Since" not in congo  # new today: not marked
    shown = {s for s in re.split(r"(?<=[.!?])\s+", blast_then.split("\n\n")[1])}
    summary = blast.split("\n\n")[2]
    assert summary.strip() and not any(s in summary for s in shown if len(s.split()) >= 6)


def test_follow_0_looks_back_at_nothing_and_the_api_does_as_the_command(days):
    import digest as api

    tmp, folders = days
    api.run([folders[DAY1]], date=DAY1, out=tmp / "out", top=0)
    off = api.run([folders[DAY2]], date=DAY2, out=tmp / "off", top=0, follow=0)
    assert all(s.first is None for s in off.briefing.stories)
    on = api.run([folders[DAY2]], date=DAY2, out=tmp / "on", top=0)
    assert [str(s.first) for s in on.briefing.stories if s.first] == [DAY1]
    again = api.run([folders[DAY2]], date=DAY2, out=tmp / "on", top=0)  # a re-run: the same
    assert (tmp / "on" / f"{DAY2}.md").read_text() == again.written[0].read_text()
