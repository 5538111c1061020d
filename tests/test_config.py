"""digest.toml and DIGEST_* variables: defaults for every command, errors naming the file."""
import conftest


def digest(*args, **env):
    return conftest.digest(*args, env=env)


def test_config_show_names_where_each_setting_came_from(isolated_settings, tmp_path):
    isolated_settings.write_text('out = "briefings"\nlang = ["pt"]\n\n'
                                 '[email]\nto = ["ana@example.org"]\n\n'
                                 '[smtp]\nhost = "mail.example.org"\nsecurity = "tls"\n')
    result = digest("config", "show", DIGEST_SMTP_HOST="smtp.other.org",
                    DIGEST_SMTP_PASSWORD="hunter22")
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
    isolated_settings.write_text(f'inputs = ["{seeds / "002_92a03ea6e66c8f79.txt"}"]\n'
                                 'out = "briefings"\nlang = "pt"\nwords = 30\n')
    result = digest("run", "-d", "2026-11-22")
    out = isolated_settings.parent / "briefings" / "2026-11-22.md"
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{out} (1 story from 1 article in 1 file)")
    md = out.read_text()
    assert "Daily briefing" not in md
    # The command line still wins.
    result = digest("run", "-d", "2026-11-22", "--out", tmp_path, "--lang", "pt,en")
    assert "Daily briefing" in (tmp_path / "2026-11-22.md").read_text()


def test_the_password_never_goes_in_the_file(isolated_settings):
    isolated_settings.write_text('[smtp]\npassword = "hunter22"\n')
    result = digest("config", "show")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {isolated_settings}: smtp.password does not belong in a "
                             "file; set DIGEST_SMTP_PASSWORD or smtp.password_command instead\n")


def test_bad_settings_are_one_line_errors_naming_the_file(isolated_settings, tmp_path):
    for text, error in [
        ("words = 60\nwords 5", "not valid TOML (Expected '=' after a key in a key/value "
                              "pair (at line 2, column 7))"),
        ('words = "many"', "words must be a whole number from 10 to 2000, not 'many'"),
        ("words = 5", "words must be a whole number from 10 to 2000, not 5"),
        ('lang = "fr"', "lang must be pt, en or pt,en, not 'fr'"),
        ('summarizer_prompt = "nope.txt"', "summarizer_prompt: "),
        ('[smtp]\nsecurity = "ssl"', "smtp.security must be starttls or tls or none, not 'ssl'"),
        ('format = "pdf"', "format must be md or email or both, not 'pdf'"),
    ]:
        isolated_settings.write_text(text)
        result = digest("run", "--help")
        assert result.exit_code == 1, text
        assert result.stderr.startswith(f"Error: {isolated_settings}: {error}")
        assert len(result.stderr.splitlines()) == 1
    isolated_settings.write_text("")
    result = digest("config", "show", DIGEST_SMTP_PORT="25x")
    assert result.stderr == "Error: DIGEST_SMTP_PORT: smtp.port must be a whole number " \
                            "from 0 to 65535, not '25x'\n"
    missing = tmp_path / "nope.toml"
    result = digest("--config", missing, "config", "show")
    assert result.stderr.startswith(f"Error: {missing}: cannot read the config file (")


def test_unknown_settings_are_warned_about(isolated_settings):
    isolated_settings.write_text('wrods = 30\n')
    result = digest("config", "show")
    assert result.exit_code == 0
    assert result.stderr == f"digest: warning: {isolated_settings}: unknown setting 'wrods', " \
                            "ignored\n"
