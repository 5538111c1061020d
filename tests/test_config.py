"""digest.toml and DIGEST_* variables: defaults for every command, errors naming the file."""

import helpers


def cli(*args, **env):
    return helpers.cli(*args, env=env)


def test_config_show_names_where_each_setting_came_from(isolated_settings, tmp_path):
    isolated_settings.write_text(
        'out = "briefings"\nlang = ["pt"]\n\n'
        '[email]\nto = ["ana@example.org"]\n\n'
        '[smtp]\nhost = "mail.example.org"\nsecurity = "tls"\n'
    )
    result = cli(
        "config", "show", DIGEST_SMTP_HOST="smtp.other.org", DIGEST_SMTP_PASSWORD="hunter22"
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"# {isolated_settings}"
    where = f"  # {isolated_settings}"
    assert f'out = "{isolated_settings.parent / "briefings"}"{where}' in lines
    assert f'lang = "pt"{where}' in lines
    assert f'email.to = ["ana@example.org"]{where}' in lines
    assert f'smtp.security = "tls"{where}' in lines
    assert 'smtp.host = "smtp.other.org"  # DIGEST_SMTP_HOST' in lines
    assert 'smtp.password = "********"  # DIGEST_SMTP_PASSWORD' in lines
    assert "words = 60  # default" in lines
    assert "hunter22" not in result.output


def test_settings_are_the_defaults_of_run(isolated_settings, tmp_path, seeds):
    isolated_settings.write_text(
        f'inputs = ["{seeds / "002_92a03ea6e66c8f79.txt"}"]\n'
        'out = "briefings"\nlang = "pt"\nwords = 30\n'
    )
    result = cli("run", "-d", "2026-11-22")
    out = isolated_settings.parent / "briefings" / "2026-11-22.md"
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{out} (1 story from 1 article in 1 file)")
    md = out.read_text()
    assert "Daily briefing" not in md
    # The command line still wins.
    result = cli("run", "-d", "2026-11-22", "--out", tmp_path, "--lang", "pt,en")
    assert "Daily briefing" in (tmp_path / "2026-11-22.md").read_text()


def test_the_password_never_goes_in_the_file(isolated_settings):
    isolated_settings.write_text('[smtp]\npassword = "hunter22"\n')
    result = cli("config", "show")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {isolated_settings}: smtp.password does not belong in a "
        "file; set DIGEST_SMTP_PASSWORD or smtp.password_command instead\n"
    )


def test_bad_settings_are_one_line_errors_naming_the_file(isolated_settings, tmp_path):
    for text, error in [
        (
            "words = 60\nwords 5",
            "not valid TOML (Expected '=' after a key in a key/value pair (at line 2, column 7))",
        ),
        ('words = "many"', "words must be a whole number from 10 to 2000, not 'many'"),
        ("words = 5", "words must be a whole number from 10 to 2000, not 5"),
        ('lang = "fr"', "lang must be pt, en or pt,en, not 'fr'"),
        ('summarizer_prompt = "nope.txt"', "summarizer_prompt: "),
        ('[smtp]\nsecurity = "ssl"', "smtp.security must be starttls or tls or none, not 'ssl'"),
        ('format = "pdf"', "format must be md or email or both, not 'pdf'"),
    ]:
        isolated_settings.write_text(text)
        result = cli("run", "--help")
        assert result.exit_code == 1, text
        assert result.stderr.startswith(f"Error: {isolated_settings}: {error}")
        assert len(result.stderr.splitlines()) == 1
    isolated_settings.write_text("")
    result = cli("config", "show", DIGEST_SMTP_PORT="25x")
    assert (
        result.stderr == "Error: DIGEST_SMTP_PORT: smtp.port must be a whole number "
        "from 0 to 65535, not '25x'\n"
    )
    missing = tmp_path / "nope.toml"
    result = cli("--config", missing, "config", "show")
    assert result.stderr.startswith(f"Error: {missing}: cannot read the config file (")


def test_unknown_settings_are_warned_about(isolated_settings):
    isolated_settings.write_text("wrods = 30\n")
    result = cli("config", "show")
    assert result.exit_code == 0
    assert (
        result.stderr == f"digest: warning: {isolated_settings}: unknown setting 'wrods', ignored\n"
    )


NO_USER = "~digest-no-such-user"


def test_a_home_folder_of_no_user_is_one_line_naming_the_setting(
    isolated_settings, tmp_path, monkeypatch
):
    isolated_settings.write_text(f'out = "{NO_USER}/briefings"\n')
    result = cli("config", "show")
    assert (result.exit_code, result.stderr) == (
        1,
        (
            f"Error: {isolated_settings}: out: '{NO_USER}/briefings': {NO_USER} names no user "
            "with a home folder\n"
        ),
    )
    isolated_settings.write_text("")
    result = cli("--config", f"{NO_USER}/digest.toml", "config", "show")
    assert result.stderr == (
        f"Error: --config: '{NO_USER}/digest.toml': {NO_USER} names no user with a home folder\n"
    )
    result = cli("run", "seeds", "-o", tmp_path / "out", DIGEST_HOME=f"{NO_USER}/data")
    assert (result.exit_code, result.stderr) == (
        1,
        (f"Error: DIGEST_HOME: '{NO_USER}/data': {NO_USER} names no user with a home folder\n"),
    )
    result = cli("run", "seeds", "-o", tmp_path / "out", "--summarizer", f"hf:{NO_USER}/m")
    assert (result.exit_code, result.stderr) == (
        1,
        (f"Error: model: '{NO_USER}/m': {NO_USER} names no user with a home folder\n"),
    )


def test_settings_nested_too_deeply_are_one_line(isolated_settings):
    for text in ("a = " + "[" * 5000 + "]" * 5000, ".".join(["a"] * 3000) + " = 1"):
        isolated_settings.write_text(text)
        result = cli("config", "show")
        assert (result.exit_code, result.stderr) == (
            1,
            f"Error: {isolated_settings}: not valid TOML (nested too deeply)\n",
        )


def test_a_pipe_as_the_settings_file_is_refused_not_waited_on(tmp_path):
    import os
    import subprocess
    import sys

    fifo = tmp_path / "digest.toml"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "digest", "--config", fifo, "config", "show"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (1, f"Error: {fifo}: a pipe, not a settings file\n")
    done = subprocess.run(
        [sys.executable, "-m", "digest", "run", fifo, "-o", tmp_path],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (
        1,
        f"Error: {fifo}: not a file or folder (a pipe, a device)\n",
    )


def test_a_templates_folder_of_your_own_renders_the_briefing(isolated_settings, seeds, tmp_path):
    mine = isolated_settings.parent / "mine"
    mine.mkdir()
    (mine / "briefing.md.j2").write_text(
        "# {{ b.date.isoformat() }}: {{ b.stories | length }} {{ t('notícia', 'story') }}\n"
        "{% for s in b.full %}- {{ s.title | md }}\n{% endfor %}{{ reading }}\n"
    )
    isolated_settings.write_text('templates = "mine"\nlang = "pt"\n')
    seed = seeds / "002_92a03ea6e66c8f79.txt"
    assert f'templates = "{mine}"  # {isolated_settings}' in cli("config", "show").output
    result = cli("run", seed, "-d", "2026-11-22", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    title = helpers.seed_text("002").splitlines()[0].strip()
    assert (tmp_path / "2026-11-22.md").read_text() == (
        f"# 2026-11-22: 1 notícia\n- {title}\nLeitura: 1 min\n"
    )

    # The email's templates are needed too once an email is written: said before any work.
    result = cli("run", seed, "-d", "2026-11-22", "-o", tmp_path / "email", "-f", "both")
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: templates: {mine} has no email.txt.j2 or email.html.j2\n",
    )
    assert not (tmp_path / "email").exists()
    (mine / "briefing.md.j2").write_text("{% for s in b.full %}\n")
    result = cli("run", seed, "-d", "2026-11-22", "-o", tmp_path)
    assert result.exit_code == 1 and result.stderr.startswith(
        f"Error: templates: {mine / 'briefing.md.j2'}, line 1: Unexpected end of template."
    )
    assert len(result.stderr.splitlines()) == 1

    result = cli("config", "show", DIGEST_TEMPLATES=str(tmp_path / "nope"))
    assert result.stderr == (
        f"Error: DIGEST_TEMPLATES: templates: {tmp_path / 'nope'} is not a folder\n"
    )
