"""The briefing by email: a real SMTP server (aiosmtpd) on 127.0.0.1, real messages."""

import base64
import email
import email.policy
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
import zlib
from pathlib import Path

import pytest
from helpers import DATE, SEEDS, Inbox, aim, cli, dated_run

from digest.store import locked


@pytest.fixture
def smtp(monkeypatch):
    """A plain SMTP server on 127.0.0.1, and the environment pointing digest at it."""
    inbox = Inbox()
    inbox.start()
    aim(monkeypatch, inbox, "Digest <digest@example.org>", "ana@example.org, bruno@example.org")
    yield inbox
    inbox.stop()


def run_send(out, *more):
    return cli("run", "--input", SEEDS, "--date", DATE, "--out", out, "--send", *more)


@pytest.fixture(scope="module")
def delivered(tmp_path_factory):
    """One bilingual `digest run --send` against a local server: (result, inbox, out)."""
    mp = pytest.MonkeyPatch()
    inbox = Inbox()
    inbox.start()
    aim(mp, inbox, "digest@example.org", "ana@example.org")
    out = tmp_path_factory.mktemp("out")
    result = run_send(out)
    inbox.stop()
    mp.undo()
    return result, inbox, out


def test_run_send_delivers_one_two_part_utf8_message(delivered):
    result, inbox, out = delivered
    assert result.exit_code == 0, result.output
    assert f"sent {DATE} to ana@example.org" in result.output
    (msg,) = inbox.messages()
    assert inbox.envelopes[0].rcpt_tos == ["ana@example.org"]
    assert msg["Subject"] == (
        "Resumo diário · Daily briefing — 22/11/2026: Putin e líder "
        'norte-coreano prometem "reforçar cooperação" antes da cúpula '
        "Rússia-EUA"
    )  # whole, with its spaces, though long
    assert msg["From"] == "digest@example.org" and msg["To"] == "ana@example.org"
    assert msg["Date"].datetime is not None
    assert re.fullmatch(r"<.+@example\.org>", msg["Message-ID"])
    assert msg.get_content_type() == "multipart/alternative"
    text, html = msg.get_payload()
    assert text.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
    assert text.get_content_charset() == html.get_content_charset() == "utf-8"
    for part in (text.get_content(), html.get_content()):
        assert "Putin e líder norte-coreano prometem" in part
        assert "Putin and North Korean leader" in part
        assert "Domingo, 22 de novembro de 2026" in part
    assert re.search(
        r"Fontes · Sources \(12/08/2025 19:48\): Agence France-Presse, "
        r"seeds/004_\w+\.txt",
        text.get_content(),
    )
    # What was sent is what digest kept: out/DATE.eml, then out/sent/DATE.eml.
    assert (out / "sent" / f"{DATE}.eml").read_bytes() == inbox.envelopes[0].original_content
    assert not list((out / "outbox").iterdir())
    # --send adds the email form to the Markdown one.
    assert (out / f"{DATE}.eml").exists() and (out / f"{DATE}.md").exists()


def test_html_part_needs_nothing_remote(delivered):
    _, inbox, _ = delivered
    html = inbox.messages()[0].get_payload()[1].get_content()
    assert not re.search(r"""(src|href)\s*=|url\(|<link|<script|<style""", html, re.I)
    assert 'name="viewport"' in html and "max-width:640px" in html
    # "Em resumo", ten stories in full; the other three under the stories they relate to.
    assert html.count("<h2 style=") == 11 and "Também hoje" not in html
    assert html.count('<li style="margin:0 0 6px 0;">') == 10  # in brief
    assert html.count('<li style="margin:0 0 4px 0;">') >= 3  # related, under their story


def test_a_second_run_the_same_day_sends_nothing(delivered, smtp, tmp_path):
    shutil.copytree(delivered[2], tmp_path / "out")
    result = run_send(tmp_path / "out", "--lang", "pt")
    assert result.exit_code == 0, result.output
    assert f"{DATE} was sent before" in result.output
    assert smtp.envelopes == []
    result = run_send(tmp_path / "out", "--lang", "pt", "--force")
    assert result.exit_code == 0 and len(smtp.envelopes) == 1
    assert smtp.envelopes[0].rcpt_tos == ["ana@example.org", "bruno@example.org"]
    first = delivered[1].messages()[0]
    assert smtp.messages()[0]["Message-ID"] != first["Message-ID"]


def test_article_text_is_escaped_in_html(smtp, tmp_path):
    (tmp_path / "a.txt").write_text(
        "<script>alert('x')</script> invade a redação\n\n"
        "O texto da notícia fala de <b>negrito</b> e de R&D nesta segunda-feira, "
        "segundo os editores do jornal que publicou a reportagem completa.\n"
    )
    result = dated_run(tmp_path / "a.txt", tmp_path / "out", "-l", "pt", "--send")
    assert result.exit_code == 0, result.output
    html = smtp.messages()[0].get_payload()[1].get_content()
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; invade a redação" in html
    assert "&lt;b&gt;negrito&lt;/b&gt; e de R&amp;D" in html
    assert "<script>alert('x')</script> invade" in smtp.messages()[0].get_payload()[0].get_content()


def test_server_down_keeps_the_message_until_it_is_back(smtp, tmp_path):
    smtp.stop()
    out = tmp_path / "out"
    result = run_send(out, "--lang", "pt")
    assert result.exit_code == 3
    (error,) = result.stderr.splitlines()
    assert error.startswith(f"Error: cannot reach the SMTP server 127.0.0.1:{smtp.port} (")
    assert f"1 message waits in {out / 'outbox'}" in error
    waiting = (out / "outbox" / f"{DATE}.eml").read_bytes()

    smtp.start()
    result = cli("send", "--date", DATE, "--out", out)
    assert result.exit_code == 0, result.output
    assert [e.original_content for e in smtp.envelopes] == [waiting]
    assert not (out / "outbox" / f"{DATE}.eml").exists()

    result = cli("send", "--date", DATE, "--out", out)
    assert result.exit_code == 0 and "was sent before" in result.output
    assert len(smtp.envelopes) == 1


def test_a_refused_message_waits_and_goes_once_accepted(smtp, tmp_path):
    smtp.refuse = "552 5.3.4 Message size exceeds fixed limit"
    out = tmp_path / "out"
    result = run_send(out, "--lang", "pt")
    assert result.exit_code == 3
    assert "552 5.3.4 Message size exceeds fixed limit" in result.stderr
    assert (out / "outbox" / f"{DATE}.eml").exists()
    smtp.refuse = None
    # The next scheduled run sends what waits, and does not send the day twice.
    result = run_send(out, "--lang", "pt")
    assert result.exit_code == 0, result.output
    assert len(smtp.messages()) == 1 and smtp.envelopes[0].rcpt_tos == [
        "ana@example.org",
        "bruno@example.org",
    ]
    assert run_send(out, "--lang", "pt").exit_code == 0 and len(smtp.envelopes) == 1


def test_starttls_is_required_unless_turned_off(smtp, monkeypatch, tmp_path):
    monkeypatch.setenv("DIGEST_SMTP_SECURITY", "starttls")
    result = run_send(tmp_path / "out", "--lang", "pt")
    assert result.exit_code == 3
    assert "does not offer STARTTLS; not sending in the clear" in result.stderr
    assert smtp.envelopes == []


@pytest.mark.skipif(not shutil.which("openssl"), reason="needs openssl for a test certificate")
def test_starttls_and_login_with_the_password_from_the_environment(monkeypatch, tmp_path):
    from aiosmtpd.smtp import AuthResult

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            key,
            "-out",
            cert,
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret-pw", handled=False)

    inbox = Inbox()
    inbox.start(tls_context=context, require_starttls=True, authenticator=authenticator)
    try:
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test certificate
        for name, value in {
            "DIGEST_SMTP_HOST": "127.0.0.1",
            "DIGEST_SMTP_PORT": str(inbox.port),
            "DIGEST_SMTP_USER": "ana",
            "DIGEST_SMTP_PASSWORD": "wrong",
            "DIGEST_TO": "ana@example.org",
        }.items():
            monkeypatch.setenv(name, value)
        out = tmp_path / "out"
        result = run_send(out, "--lang", "pt")
        assert result.exit_code == 3 and "login as 'ana' refused (535" in result.stderr
        monkeypatch.setenv("DIGEST_SMTP_PASSWORD", "s3cret-pw")
        result = cli("send", "-d", DATE, "-o", out)
        assert result.exit_code == 0, result.output
        assert len(inbox.envelopes) == 1 and logins[-1] == (b"ana", b"s3cret-pw")
        shown = cli("config", "show").output
        assert 'smtp.password = "********"  # DIGEST_SMTP_PASSWORD' in shown
        for text in [shown, result.output, result.stderr]:
            assert "s3cret" not in text
        for path in out.rglob("*"):
            assert not path.is_file() or b"s3cret" not in path.read_bytes()
    finally:
        inbox.stop()


def test_password_command_serves_cron(smtp, isolated_settings, tmp_path):
    from aiosmtpd.smtp import AuthResult

    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append(auth_data.password)
        return AuthResult(success=True)

    smtp.stop()
    smtp.start(authenticator=authenticator, auth_require_tls=False)
    isolated_settings.write_text(
        '[smtp]\nuser = "ana"\npassword_command = "echo from-the-keyring"\n'
    )
    assert run_send(tmp_path / "out", "--lang", "pt").exit_code == 0
    assert logins == [b"from-the-keyring"] and len(smtp.envelopes) == 1


def test_no_recipients_is_a_one_line_error_and_the_email_is_kept(smtp, monkeypatch, tmp_path):
    monkeypatch.delenv("DIGEST_TO")
    result = run_send(tmp_path / "out", "--lang", "pt")
    assert result.exit_code == 1
    # What was written, then the error: the email is kept for `digest send --to`.
    assert result.stdout.startswith(f"{tmp_path / 'out' / DATE}.md, ")
    assert result.stderr.strip() == (
        "Error: email.to: no recipients; set `to` under [email] "
        "in digest.toml or DIGEST_TO (or give `digest send --to "
        "ADDRESS`)"
    )
    assert (tmp_path / "out" / f"{DATE}.eml").exists()
    result = cli("send", "-d", DATE, "-o", tmp_path / "out", "--dry-run")
    assert result.exit_code == 1 and "no recipients" in result.stderr
    result = cli("send", "-d", DATE, "-o", tmp_path / "out", "--to", "carla@example.org")
    assert result.exit_code == 0, result.output
    assert smtp.envelopes[0].rcpt_tos == ["carla@example.org"]
    assert smtp.messages()[0]["To"] == "carla@example.org"


def test_dry_run_sends_nothing_and_moves_nothing(smtp, tmp_path):
    out = tmp_path / "out"
    assert dated_run(SEEDS, out, "-l", "pt", "-f", "email").exit_code == 0
    result = cli("send", "-d", DATE, "-o", out, "--dry-run")
    assert result.exit_code == 0
    assert result.output == (
        f"would send {DATE} to ana@example.org, bruno@example.org: "
        "Resumo diário — 22/11/2026: Putin e líder norte-coreano prometem "
        '"reforçar cooperação" antes da cúpula Rússia-EUA\n'
    )
    assert smtp.envelopes == [] and not (out / "outbox").exists()


def test_send_without_a_briefing_says_how_to_make_one(smtp, tmp_path):
    result = cli("send", "-d", DATE, "-o", tmp_path)
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {tmp_path / (DATE + '.eml')}: no email briefing "
        f"for {DATE}; `digest run --format email` writes one"
    )


def test_no_stories_means_no_email_unless_asked(smtp, isolated_settings, tmp_path):
    (tmp_path / "in").mkdir()
    result = dated_run(tmp_path / "in", tmp_path / "out", "--send")
    assert result.exit_code == 0, result.output
    assert (
        f"digest: info: {DATE} has no stories: not sending it (email.send_empty = true "
        "sends it anyway)"
    ) in result.stderr and smtp.envelopes == []
    isolated_settings.write_text("[email]\nsend_empty = true\n")
    result = dated_run(tmp_path / "in", tmp_path / "out", "--send")
    assert result.exit_code == 0, result.output
    assert (
        "0 notícias de 0 artigos · 0 veículos · 0 stories from 0 articles · 0 outlets"
        in smtp.messages()[0].get_payload()[0].get_content()
    )


def test_a_second_run_waits_for_the_first(smtp, tmp_path, monkeypatch):
    from digest import store

    monkeypatch.setattr(store, "LOCK_WAIT", 0.5)  # how long it waits, not whether
    out = tmp_path / "out"
    with locked(out):
        result = run_send(out, "--lang", "pt")
    assert result.exit_code == 4
    assert f"another digest run is working in the output folder {out};" in result.stderr
    assert smtp.envelopes == [] and not (out / f"{DATE}.eml").exists()


ONE_SEED = next(SEEDS.glob("002_*.txt"))


def queued(out, date=DATE):
    """Write the email briefing of one seed article for `date`, and queue it by `send`
    (which needs no server to fail)."""
    result = cli("run", ONE_SEED, "-d", date, "-o", out, "-l", "pt", "-f", "email")
    assert result.exit_code == 0, result.output


def test_an_internationalized_address_goes_out_with_smtputf8(smtp, monkeypatch, tmp_path):
    # aiosmtpd's Controller offers SMTPUTF8 unless told not to.
    monkeypatch.setenv("DIGEST_TO", "josé@exemplo.br")
    result = dated_run(ONE_SEED, tmp_path, "-l", "pt", "--send")
    assert result.exit_code == 0, result.output
    assert f"sent {DATE} to josé@exemplo.br" in result.output
    assert smtp.envelopes[0].rcpt_tos == ["josé@exemplo.br"]
    assert smtp.messages()[0]["To"] == "josé@exemplo.br"
    assert "SMTPUTF8" in smtp.envelopes[0].mail_options


def test_one_message_the_server_cannot_take_does_not_hold_back_the_rest(
    smtp, monkeypatch, tmp_path
):
    smtp.stop()
    smtp.start(enable_SMTPUTF8=False)
    monkeypatch.setenv("DIGEST_TO", "josé@exemplo.br")
    result = cli("run", ONE_SEED, "-d", "2026-11-21", "-o", tmp_path, "-l", "pt", "--send")
    assert result.exit_code == 3
    (error,) = result.stderr.splitlines()
    assert error.startswith(
        "Error: the SMTP server refused: 2026-11-21.eml: josé@exemplo.br: "
        "an internationalized address, and the server does not offer "
        "SMTPUTF8"
    )
    monkeypatch.setenv("DIGEST_TO", "ana@example.org")
    result = dated_run(ONE_SEED, tmp_path, "-l", "pt", "--send", "--all")
    assert result.exit_code == 3
    (error,) = result.stderr.splitlines()
    assert error.startswith("Error: the SMTP server refused: 2026-11-21.eml: josé@exemplo.br: ")
    assert error.endswith(f"; sent {DATE}")
    assert [e.rcpt_tos for e in smtp.envelopes] == [["ana@example.org"]]
    assert [p.name for p in (tmp_path / "outbox").iterdir()] == ["2026-11-21.eml"]


class Drip:
    """An SMTP server on 127.0.0.1 that sends its greeting one byte every 0.1 s."""

    def __init__(self, greeting=b"220 " + b"x" * 60 + b"\r\n"):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.serve, args=(greeting,), daemon=True).start()

    def serve(self, greeting):
        conn, _ = self.listener.accept()
        with conn:
            for byte in greeting:
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return
                time.sleep(0.1)

    def close(self):
        self.listener.close()


def test_a_server_that_drips_is_cut_off_at_smtp_timeout(
    smtp, monkeypatch, isolated_settings, tmp_path
):
    # Each byte comes well within the 1 s timeout; the greeting would take 6 s.
    isolated_settings.write_text("[smtp]\ntimeout = 1\n")
    queued(tmp_path)
    drip = Drip()
    monkeypatch.setenv("DIGEST_SMTP_PORT", str(drip.port))
    start = time.monotonic()
    try:
        result = cli("send", "-d", DATE, "-o", tmp_path)
    finally:
        drip.close()
    assert time.monotonic() - start < 2.5
    assert result.exit_code == 3
    assert result.stderr == (
        f"Error: the SMTP server 127.0.0.1:{drip.port} did not finish "
        f"within smtp.timeout (1 s); 1 message waits in "
        f"{tmp_path / 'outbox'} for the next `digest send`\n"
    )
    assert (tmp_path / "outbox" / f"{DATE}.eml").exists()


def test_credentials_the_server_echoes_are_not_shown(smtp, monkeypatch, tmp_path):
    from aiosmtpd.smtp import AuthResult

    def authenticator(server, session, envelope, mechanism, auth_data):
        blob = base64.b64encode(b"\0" + auth_data.login + b"\0" + auth_data.password)
        return AuthResult(
            success=False,
            handled=False,
            message=(
                f"535 5.7.8 AUTH PLAIN {blob.decode()} refused: "
                f"{auth_data.password.decode()} is wrong"
            ),
        )

    smtp.stop()
    smtp.start(authenticator=authenticator, auth_require_tls=False)
    monkeypatch.setenv("DIGEST_SMTP_USER", "ana")
    monkeypatch.setenv("DIGEST_SMTP_PASSWORD", "s3cret-pw")
    result = dated_run(ONE_SEED, tmp_path, "-l", "pt", "--send")
    assert result.exit_code == 3
    assert (
        "login as 'ana' refused (535 5.7.8 AUTH PLAIN ******** refused: ******** is wrong)"
    ) in result.stderr
    assert "s3cret" not in result.stderr and "czNjcmV0" not in result.stderr


BREAKS = "holds a line break or another control character, which a mail header cannot carry"


@pytest.mark.parametrize(
    "setting, value, error",
    [
        (
            "DIGEST_FROM",
            "digest@example.org\nBcc: eve@example.net",
            f"email.from: 'digest@example.org\\nBcc: eve@example.net' {BREAKS}",
        ),
        (
            "DIGEST_TO",
            "ana@example.org\r\nBcc: eve@example.net",
            f"email.to: 'ana@example.org\\r\\nBcc: eve@example.net' {BREAKS}",
        ),
        (
            "DIGEST_FROM",
            "Ana <ana@example.org>, bruno@example.org",
            (
                "email.from: 'Ana <ana@example.org>, bruno@example.org' holds more than one "
                "address; the sender is one, like 'Digest <digest@example.org>'"
            ),
        ),
        ("DIGEST_TO", "ana.example.org", "email.to: 'ana.example.org' is not an email address"),
    ],
)
def test_mail_settings_that_break_headers_are_one_line_errors(
    smtp, monkeypatch, tmp_path, setting, value, error
):
    monkeypatch.setenv(setting, value)
    result = dated_run(ONE_SEED, tmp_path, "-l", "pt", "--send")
    assert (result.exit_code, result.stderr) == (1, f"Error: {error}\n")
    assert smtp.envelopes == [] and not (tmp_path / "outbox").exists()


def test_a_recipient_option_with_a_line_break_is_a_one_line_error(smtp, tmp_path):
    queued(tmp_path)
    result = cli("send", "-d", DATE, "-o", tmp_path, "--to", "ana@example.org\nBcc: x@y.z")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: email.to: 'ana@example.org\\nBcc: x@y.z' holds a line break"
    )
    assert smtp.envelopes == []


def test_a_password_smtplib_cannot_send_is_a_one_line_error(smtp, monkeypatch, tmp_path):
    monkeypatch.setenv("DIGEST_SMTP_USER", "ana")
    monkeypatch.setenv("DIGEST_SMTP_PASSWORD", "señha")
    result = dated_run(ONE_SEED, tmp_path, "-l", "pt", "--send")
    assert result.exit_code == 3
    assert result.stderr == (
        "Error: smtp.password holds characters other than ASCII, which "
        "Python's smtplib cannot log in with; 1 message waits in "
        f"{tmp_path / 'outbox'} for the next `digest send`\n"
    )


def running(pid: int) -> bool:
    """Whether process `pid` is alive (a zombie is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_a_password_command_that_hangs_is_stopped_with_what_it_started(
    smtp, monkeypatch, isolated_settings, tmp_path
):
    pid_file = tmp_path / "pid"
    isolated_settings.write_text(
        f'[smtp]\ntimeout = 1\npassword_command = "sleep 5 & echo $! > {pid_file}; wait"\n'
    )
    monkeypatch.setenv("DIGEST_SMTP_USER", "ana")
    start = time.monotonic()
    result = dated_run(ONE_SEED, tmp_path, "-l", "pt", "--send")
    assert time.monotonic() - start < 3
    assert result.exit_code == 3
    assert result.stderr.startswith(
        "Error: smtp.password_command printed no password within "
        "smtp.timeout (1 s); stopped it; 1 message waits in "
    )
    pid = int(pid_file.read_text())
    for _ in range(50):
        if not running(pid):
            break
        time.sleep(0.02)
    assert not running(pid)


def test_a_password_command_that_fails_leaves_the_message_waiting_and_shows_nothing_it_said(
    smtp, monkeypatch, isolated_settings, tmp_path
):
    # As `pass show smtp >&2; exit 2` would: the secret on stderr, then a failure.
    isolated_settings.write_text('[smtp]\npassword_command = "echo s3cr3t-pw >&2; exit 2"\n')
    monkeypatch.setenv("DIGEST_SMTP_USER", "ana")
    result = dated_run(ONE_SEED, tmp_path, "-l", "pt", "--send")
    assert result.exit_code == 3
    assert result.stderr == (
        "Error: smtp.password_command exited with status 2; run it by "
        f"hand to see why; 1 message waits in {tmp_path / 'outbox'} for "
        "the next `digest send`\n"
    )
    assert "s3cr3t" not in result.output


def test_a_file_where_sent_mail_goes_stops_the_send_before_anything_is_mailed(smtp, tmp_path):
    queued(tmp_path)
    (tmp_path / "sent").write_text("not a folder")
    for _ in range(2):  # each send: nothing mailed, the message still waiting
        result = cli("send", "-d", DATE, "-o", tmp_path)
        assert result.exit_code == 3
        assert result.stderr == (
            f"Error: {tmp_path / 'sent'}: cannot keep sent mail there "
            f"(File exists); nothing sent, 1 message waits in "
            f"{tmp_path / 'outbox'}\n"
        )
        assert smtp.envelopes == []
    (tmp_path / "sent").unlink()
    assert cli("send", "-d", DATE, "-o", tmp_path).exit_code == 0
    assert cli("send", "-d", DATE, "-o", tmp_path).exit_code == 0
    assert len(smtp.envelopes) == 1


def test_a_message_sent_that_cannot_be_filed_says_so(smtp, tmp_path):
    queued(tmp_path)
    (tmp_path / "sent" / f"{DATE}.eml" / "x").mkdir(parents=True)  # a folder in its place
    result = cli("send", "-d", DATE, "-o", tmp_path, "--force")
    assert result.exit_code == 3
    assert result.stderr.startswith(
        f"Error: {DATE}.eml was sent but cannot be moved to "
        f"{tmp_path / 'sent'} (Is a directory); move it there, "
        "or the next send mails it again"
    )
    assert len(smtp.envelopes) == 1 and len(result.stderr.splitlines()) == 1


def test_send_mails_only_a_briefing_digest_wrote(smtp, tmp_path):
    eml = tmp_path / f"{DATE}.eml"
    for what, error in (
        (
            b"From: eve@example.net\nTo: ana@example.org\n\nmy own notes\n",
            "not an email briefing that digest wrote",
        ),
        (None, "cannot read (Is a directory)"),
    ):
        if what is None:
            eml.unlink()
            eml.mkdir()
        else:
            eml.write_bytes(what)
        result = cli("send", "-d", DATE, "-o", tmp_path, "--to", "ana@example.org")
        assert (result.exit_code, result.stderr) == (
            1,
            f"Error: {eml}: {error}"
            + ("; `digest run --format email` writes one\n" if what else "\n"),
        )
    assert smtp.envelopes == [] and not (tmp_path / "outbox").exists()


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_a_unicode_line_break_in_a_recipient_is_a_one_line_error(
    smtp, monkeypatch, tmp_path, separator
):
    to = f"ana@example.org{separator}Bcc: eve@example.net"
    monkeypatch.setenv("DIGEST_TO", to)
    result = dated_run(ONE_SEED, tmp_path, "-l", "pt", "--send")
    assert (result.exit_code, result.stderr) == (1, f"Error: email.to: {to!r} {BREAKS}\n")
    monkeypatch.delenv("DIGEST_TO")
    queued(tmp_path)
    result = cli("send", "-d", DATE, "-o", tmp_path, "--to", to)
    assert (result.exit_code, result.stderr) == (1, f"Error: email.to: {to!r} {BREAKS}\n")
    assert smtp.envelopes == []


def test_send_leaves_a_briefing_without_stories_unless_asked(smtp, isolated_settings, tmp_path):
    (tmp_path / "in").mkdir()
    out = tmp_path / "out"
    assert dated_run(tmp_path / "in", out, "-f", "email").exit_code == 0
    assert read_message_of(out)["X-Digest-Stories"] == "0"
    result = cli("send", "-d", DATE, "-o", out)
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "",
        f"digest: info: {DATE} has no stories: not sending it (email.send_empty = true "
        "sends it anyway)\n",
    )
    assert smtp.envelopes == [] and not (out / "outbox").exists()
    isolated_settings.write_text("[email]\nsend_empty = true\n")
    result = cli("send", "-d", DATE, "-o", out)
    assert result.exit_code == 0 and len(smtp.envelopes) == 1


def read_message_of(out, date=DATE):
    return email.message_from_bytes((out / f"{date}.eml").read_bytes(), policy=email.policy.default)


def _png_pixels(path):
    """The raw scanlines of a PNG (8-bit RGB/RGBA), enough to tell blank from drawn."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return zlib.decompress(idat)


@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed")
def test_html_email_renders_in_a_browser(delivered, tmp_path):
    html = (
        email.message_from_bytes(
            delivered[1].envelopes[0].original_content, policy=email.policy.default
        )
        .get_payload()[1]
        .get_content()
    )
    page = tmp_path / "email.html"
    page.write_text(html, encoding="utf-8")
    shot = tmp_path / "email.png"
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=400,900",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pixels = _png_pixels(shot)
    # A phone-width page of text: many distinct shades, far from one flat colour.
    assert len(set(pixels)) > 100
    assert pixels.count(max(set(pixels), key=pixels.count)) < 0.9 * len(pixels)
