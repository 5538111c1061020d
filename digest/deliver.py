"""Deliver the briefing by email without ever losing one.

A briefing to send is first written to OUT/outbox/DATE.eml, then sent over SMTP, then
moved to OUT/sent/DATE.eml. A message the server does not take stays in the outbox,
and every later send tries it again, so a briefing is sent at least once; a date found
in OUT/sent/ is not sent again unless forced. One message the server refuses does not
hold back the others, and an SMTP session ends within smtp.timeout whatever the server
does.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import email.policy
import logging
import os
import re
import signal
import smtplib
import socket
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formatdate, getaddresses, make_msgid
from pathlib import Path

from .config import Config
from .deadline import Deadline
from .errors import DeliveryError, DigestError
from .model import Briefing
from .render import reading_time, render, subject
from .store import write_atomic

log = logging.getLogger("digest")

PORTS = {"starttls": 587, "tls": 465, "none": 25}
NO_RECIPIENTS = (
    "email.to: no recipients; set `to` under [email] in digest.toml or DIGEST_TO "
    "(or give `digest send --to ADDRESS`)"
)


STORIES = "X-Digest-Stories"


def compose(briefing: Briefing, sender: str, to: list[str]) -> EmailMessage:
    """The briefing as a multipart/alternative message: plain text and HTML, UTF-8;
    its number of stories in the X-Digest-Stories header, for `digest send` to see."""
    # Headers are not folded (up to the 998 characters a line may hold): Python folds a
    # long non-ASCII subject into encoded words with the spaces between them lost.
    msg = EmailMessage(policy=email.policy.SMTP.clone(max_line_length=998))
    msg["Subject"] = subject(briefing)
    msg[STORIES] = str(len(briefing.stories))
    readdress(msg, sender, to)
    minutes = reading_time(briefing)
    msg.set_content(render(briefing, "email.txt.j2", minutes), cte="quoted-printable")
    msg.add_alternative(
        render(briefing, "email.html.j2", minutes), subtype="html", cte="quoted-printable"
    )
    return msg


def _domain(address: str) -> str:
    ((_, addr),) = getaddresses([address]) or [("", "")]
    return addr.rpartition("@")[2] or "localhost"


def read_message(path: Path) -> EmailMessage:
    """The message in a file; a DigestError naming it if it cannot be read."""
    try:
        with path.open("rb") as f:
            return BytesParser(policy=email.policy.SMTP).parse(f)
    except OSError as exc:
        raise DigestError(f"{path}: cannot read ({exc.strerror or exc})") from None


def read_briefing(path: Path) -> EmailMessage:
    """The email briefing that `digest run` wrote at `path`; a DigestError naming the
    file if it is anything else (it has no X-Digest-Stories header): digest mails only
    what it made."""
    msg = read_message(path)
    if not str(msg.get(STORIES, "")).isdigit():
        raise DigestError(
            f"{path}: not an email briefing that digest wrote; "
            "`digest run --format email` writes one"
        )
    return msg


def readdress(msg: EmailMessage, sender: str, to: list[str]) -> EmailMessage:
    """The message from `sender` to `to`, with a fresh Date and Message-ID; a DigestError
    naming the setting if either cannot be a mail header."""
    _check_addresses(sender, to)
    del msg["From"], msg["To"], msg["Date"], msg["Message-ID"]
    msg["From"] = sender
    if to:
        msg["To"] = ", ".join(to)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid("digest", domain=_domain(msg["From"]))
    return msg


def recipients(msg: EmailMessage) -> list[str]:
    return [addr for _, addr in getaddresses(msg.get_all("To", [])) if addr]


def _check_addresses(sender: str, to: list[str]) -> None:
    """A DigestError naming the setting unless `sender` is one address and every entry
    of `to` holds addresses, none with a line break or other control character (which
    would end the header and start another: a Bcc, say)."""
    for key, value in [("email.from", sender), *(("email.to", v) for v in to)]:
        if re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", value):  # all that ends a line
            raise DigestError(
                f"{key}: {value!r} holds a line break or another control "
                "character, which a mail header cannot carry"
            )
        found = [addr for _, addr in getaddresses([value])]
        if not found or not all("@" in addr for addr in found):
            raise DigestError(f"{key}: {value!r} is not an email address")
    if len(getaddresses([sender])) != 1:
        raise DigestError(
            f"email.from: {sender!r} holds more than one address; the "
            "sender is one, like 'Digest <digest@example.org>'"
        )


def _international(addresses: list[str]) -> list[str]:
    """The addresses that only SMTPUTF8 (RFC 6531) can carry."""
    return [a for a in addresses if not a.isascii()]


def _as_sent(msg: EmailMessage) -> bytes:
    """The message as it goes out: headers in UTF-8 (RFC 6532) if an address needs it,
    else 7-bit, their non-ASCII words encoded."""
    addresses = [a for _, a in getaddresses(msg.get_all("From", []) + msg.get_all("To", []))]
    if _international(addresses):
        return msg.as_bytes(policy=email.policy.SMTPUTF8)
    return msg.as_bytes()


@dataclass
class Mailroom:
    """The outbox and sent folders under one output folder."""

    out: Path
    outbox: Path = field(init=False)
    sent: Path = field(init=False)

    def __post_init__(self) -> None:
        self.outbox, self.sent = self.out / "outbox", self.out / "sent"

    def was_sent(self, date: dt.date) -> bool:
        return (self.sent / f"{date.isoformat()}.eml").exists()

    def is_waiting(self, date: dt.date) -> bool:
        return (self.outbox / f"{date.isoformat()}.eml").exists()

    def queue(self, msg: EmailMessage, date: dt.date) -> Path:
        """Put a message in the outbox (replacing one waiting for the same date)."""
        if not recipients(msg):
            raise DigestError(NO_RECIPIENTS)
        return write_atomic(self.outbox / f"{date.isoformat()}.eml", _as_sent(msg))

    def post(
        self,
        msg: EmailMessage,
        date: dt.date,
        config: Config,
        to: list[str] | None = None,
        force: bool = False,
        dry_run: bool = False,
    ) -> Path | None:
        """Put the briefing `msg` of `date` in the outbox, addressed to `to`, else
        email.to, else its own To (a DigestError if that is no one): the send policy of
        `digest send` and `digest run --send` alike. A date sent before goes again only
        with `force`, a briefing without stories only with email.send_empty; else None,
        said on stderr. A dry run addresses it and names where it would wait."""
        if self.was_sent(date) and not force:
            log.info(
                "%s was sent before (%s): not sending it again (--force does)",
                date,
                self.sent / f"{date.isoformat()}.eml",
            )
            return None
        if msg[STORIES] == "0" and not config["email.send_empty"]:
            log.info(
                "%s has no stories: not sending it (email.send_empty = true sends it anyway)", date
            )
            return None
        readdress(msg, config["email.from"], to or config["email.to"] or recipients(msg))
        if dry_run:
            if not recipients(msg):  # as the real send would say
                raise DigestError(NO_RECIPIENTS)
            return self.outbox / f"{date.isoformat()}.eml"
        return self.queue(msg, date)

    def waiting(self) -> list[Path]:
        return sorted(self.outbox.glob("*.eml")) if self.outbox.is_dir() else []

    def flush(self, config: Config) -> list[tuple[Path, list[str]]]:
        """Send everything in the outbox, oldest first; each sent message moves to sent/.

        Returns what was sent and to whom. Raises DeliveryError, after trying every
        message, when any stays behind.
        """
        waiting = self.waiting()
        if not waiting:
            return []
        try:  # where sent mail goes must take it, or each send would mail it again
            self.sent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DeliveryError(
                f"{self.sent}: cannot keep sent mail there "
                f"({exc.strerror or exc}); nothing sent, {_count(waiting)} "
                f"in {self.outbox}"
            ) from None
        done, failures = [], []
        try:
            with _connect(config) as server:
                for path in waiting:
                    try:
                        to, refused = _send(server, path)
                    except _Refused as exc:
                        failures.append(f"{path.name}: {exc}")
                        continue
                    try:
                        os.replace(path, self.sent / path.name)
                    except OSError as exc:
                        raise DeliveryError(
                            f"{path.name} was sent but cannot be moved to {self.sent} "
                            f"({exc.strerror or exc}); move it there, or the next send "
                            "mails it again"
                        ) from None
                    done.append((self.sent / path.name, [a for a in to if a not in refused]))
                    for addr, (code, text) in refused.items():
                        log.warning(
                            "%s: %s refused it (%s); the others got it",
                            path.name,
                            addr,
                            _reason(code, text, server.secrets),
                        )
        except DigestError as exc:
            left = self.waiting()
            raise DeliveryError(
                f"{exc}; {_count(left)} in {self.outbox} for the next `digest send`{_sent(done)}"
            ) from None
        if failures:
            raise DeliveryError(
                "the SMTP server refused: "
                + " | ".join(failures)
                + f"; kept in {self.outbox} for the next `digest send`"
                + _sent(done)
            )
        return done


class _Refused(Exception):
    """Why one message was not sent; the others still go."""


def _send(server: _Session, path: Path) -> tuple[list[str], dict]:
    """Send one message file as it is: (its recipients, those the server refused)."""
    try:
        msg = read_message(path)
    except DigestError as exc:
        raise _Refused(str(exc)) from None
    senders, to = [a for _, a in getaddresses(msg.get_all("From", [])) if a], recipients(msg)
    if len(senders) != 1 or not to:
        raise _Refused("not one From address and some To addresses")
    options = []
    if wide := _international([*senders, *to]):
        server.ehlo_or_helo_if_needed()
        if not server.has_extn("smtputf8"):
            raise _Refused(
                f"{', '.join(wide)}: an internationalized address, and the server "
                "does not offer SMTPUTF8 to carry it"
            )
        options.append("SMTPUTF8")
    try:
        return to, server.sendmail(senders[0], to, path.read_bytes(), mail_options=options)
    except smtplib.SMTPRecipientsRefused as exc:
        raise _Refused(
            "; ".join(
                f"{a}: {_reason(code, text, server.secrets)}"
                for a, (code, text) in exc.recipients.items()
            )
        ) from None
    except smtplib.SMTPResponseException as exc:
        raise _Refused(_reason(exc.smtp_code, exc.smtp_error, server.secrets)) from None


def _sent(done: list[tuple[Path, list[str]]]) -> str:
    """What went before an error, for its message: the error ends the command."""
    return f"; sent {', '.join(path.stem for path, _ in done)}" if done else ""


def _count(paths: list[Path]) -> str:
    return "1 message waits" if len(paths) == 1 else f"{len(paths)} messages wait"


# A word of base64 (an AUTH PLAIN or AUTH LOGIN argument, say) in a server's reply.
BASE64_WORD = re.compile(r"[A-Za-z0-9+/]{4,}={0,2}")


def _reason(code: int, message: bytes | str, secrets: tuple[str, ...] = ()) -> str:
    """A server's reply as one line, with the login's `secrets` masked, as such and in
    base64: some servers echo the credentials they refuse."""
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    text = f"{code} {' '.join(text.split())}"
    for secret in secrets:
        text = text.replace(secret, "********")
    return BASE64_WORD.sub(lambda m: "********" if _hides(m[0], secrets) else m[0], text)


def _hides(word: str, secrets: tuple[str, ...]) -> bool:
    """Whether `word` is base64 of a secret, or of any AUTH PLAIN argument: text in
    three parts (who for, user, password) split by NUL bytes."""
    try:
        raw = base64.b64decode(word + "=" * (-len(word) % 4), validate=True)
        plain = raw.count(b"\0") == 2 and raw.replace(b"\0", b"").decode().isprintable()
    except ValueError:  # not base64, or not UTF-8 text
        return False
    return plain or any(s.encode() in raw for s in secrets)


def password(config: Config) -> str:
    """The SMTP password: DIGEST_SMTP_PASSWORD, else what smtp.password_command prints
    within smtp.timeout (then it is stopped, with whatever it started)."""
    if config["smtp.password"]:
        return config["smtp.password"]
    command, timeout = config["smtp.password_command"], config["smtp.timeout"]
    if not command:
        raise DeliveryError(
            "smtp.user is set but there is no password: set "
            "DIGEST_SMTP_PASSWORD or smtp.password_command"
        )
    try:
        # A session of its own: its process group is the command and all it starts.
        with subprocess.Popen(
            command,
            shell=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            start_new_session=True,
        ) as process:
            try:
                out, _ = process.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(process)
                raise DeliveryError(
                    f"smtp.password_command printed no password within "
                    f"smtp.timeout ({timeout} s); stopped it"
                ) from None
    except OSError as exc:
        raise DeliveryError(f"smtp.password_command cannot start ({exc.strerror or exc})") from None
    if process.returncode != 0:  # what it printed may be the password: not shown
        raise DeliveryError(
            f"smtp.password_command exited with status {process.returncode}; "
            "run it by hand to see why"
        )
    secret = out.rstrip("\r\n")
    if not secret:
        raise DeliveryError("smtp.password_command printed no password")
    return secret


def _kill_group(process: subprocess.Popen) -> None:
    """Stop `process` and every process it started (they share its process group)."""
    if os.name == "nt":  # pragma: no cover
        process.kill()
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait()


class _Session(smtplib.SMTP):
    """An SMTP session with `host` that its deadline ends, over implicit TLS if given a
    context, with the login's `secrets` to mask in what the server says."""

    def __init__(
        self,
        deadline: Deadline,
        tls: ssl.SSLContext | None,
        secrets: tuple[str, ...],
        host: str,
        port: int,
    ) -> None:
        self.deadline, self.tls, self.secrets = deadline, tls, secrets
        super().__init__(host, port, timeout=deadline.remaining())

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        # smtplib's hook for its socket (SMTP_SSL's too), which typeshed leaves out.
        raw = super()._get_socket(host, port, self.deadline.remaining())  # type: ignore[misc]
        sock = self.deadline.watch(raw)
        return self.tls.wrap_socket(sock, server_hostname=host) if self.tls else sock


@contextlib.contextmanager
def _connect(config: Config) -> Iterator[_Session]:
    """A logged-in SMTP session as configured: STARTTLS, implicit TLS, or plain. It ends
    smtp.timeout after it starts, however slowly the server answers."""
    security, host, user = config["smtp.security"], config["smtp.host"], config["smtp.user"]
    port = config["smtp.port"] or PORTS[security]
    timeout = config["smtp.timeout"]
    where = f"{host}:{port}"
    secret = password(config) if user else ""
    for key, value in (("smtp.user", user), ("smtp.password", secret)):
        if not value.isascii():
            raise DeliveryError(
                f"{key} holds characters other than ASCII, which Python's "
                "smtplib cannot log in with"
            )
    secrets, context = (secret,) if secret else (), ssl.create_default_context()
    with Deadline(timeout) as deadline:
        try:
            server = _Session(deadline, context if security == "tls" else None, secrets, host, port)
            try:
                if security == "starttls":
                    server.ehlo()
                    if not server.has_extn("starttls"):
                        raise DeliveryError(
                            f"{where} does not offer STARTTLS; not sending in "
                            'the clear (smtp.security = "none" allows it)'
                        )
                    server.starttls(context=context)
                    server.ehlo()
                if user:
                    server.login(user, secret)
                yield server
            finally:
                with contextlib.suppress(smtplib.SMTPException, OSError):
                    server.quit()
        except DigestError:
            raise
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(
                f"{where}: login as {user!r} refused "
                f"({_reason(exc.smtp_code, exc.smtp_error, secrets)})"
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(
                f"{where}: {_reason(exc.smtp_code, exc.smtp_error, secrets)}"
            ) from None
        except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
            if deadline.expired:
                raise DeliveryError(
                    f"the SMTP server {where} did not finish within smtp.timeout ({timeout} s)"
                ) from None
            reason = (
                "timed out"
                if isinstance(exc, socket.timeout)
                else (getattr(exc, "strerror", None) or str(exc) or type(exc).__name__)
            )
            raise DeliveryError(f"cannot reach the SMTP server {where} ({reason})") from None
