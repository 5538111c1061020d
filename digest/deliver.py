"""Deliver the briefing by email without ever losing one.

A briefing to send is first written to OUT/outbox/DATE.eml, then sent over SMTP, then
moved to OUT/sent/DATE.eml. A message the server does not take stays in the outbox,
and every later send tries it again, so a briefing is sent at least once; a date found
in OUT/sent/ is not sent again unless forced.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import email.policy
import logging
import os
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
from .ingest import DigestError
from .model import Briefing
from .render import render, subject
from .store import remove_leftovers, write_atomic

log = logging.getLogger("digest")

PORTS = {"starttls": 587, "tls": 465, "none": 25}


class DeliveryError(DigestError):
    """The SMTP server did not take a message; it waits in the outbox. Exit status 3."""

    exit_code = 3


class Busy(DigestError):
    """Another digest run holds the output folder. Exit status 4."""

    exit_code = 4


def compose(briefing: Briefing, sender: str, to: list[str]) -> EmailMessage:
    """The briefing as a multipart/alternative message: plain text and HTML, UTF-8."""
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["Subject"] = subject(briefing)
    readdress(msg, sender, to)
    msg.set_content(render(briefing, "email.txt.j2"), cte="quoted-printable")
    msg.add_alternative(render(briefing, "email.html.j2"), subtype="html",
                        cte="quoted-printable")
    return msg


def _domain(address: str) -> str:
    (_, addr), = getaddresses([address]) or [("", "")]
    return addr.rpartition("@")[2] or "localhost"


def read_message(path: Path) -> EmailMessage:
    with path.open("rb") as f:
        return BytesParser(policy=email.policy.SMTP).parse(f)


def readdress(msg: EmailMessage, sender: str, to: list[str]) -> EmailMessage:
    """The message from `sender` to `to`, with a fresh Date and Message-ID."""
    del msg["From"], msg["To"], msg["Date"], msg["Message-ID"]
    msg["From"] = sender
    if to:
        msg["To"] = ", ".join(to)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid("digest", domain=_domain(msg["From"]))
    return msg


def recipients(msg: EmailMessage) -> list[str]:
    return [addr for _, addr in getaddresses(msg.get_all("To", [])) if addr]


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
            raise DigestError("email.to: no recipients; set `to` under [email] in "
                              "digest.toml, DIGEST_TO, or --to")
        return write_atomic(self.outbox / f"{date.isoformat()}.eml", msg.as_bytes())

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
        done, failures = [], []
        try:
            with _connect(config) as server:
                for path in waiting:
                    msg = read_message(path)
                    (_, sender), = getaddresses([msg["From"]])
                    try:
                        refused = server.sendmail(sender, recipients(msg), path.read_bytes())
                    except smtplib.SMTPRecipientsRefused as exc:
                        failures.append(f"{path.name}: " + "; ".join(
                            f"{a}: {_reason(*err)}" for a, err in exc.recipients.items()))
                        continue
                    except smtplib.SMTPResponseException as exc:
                        failures.append(f"{path.name}: {_reason(exc.smtp_code, exc.smtp_error)}")
                        continue
                    self.sent.mkdir(parents=True, exist_ok=True)
                    os.replace(path, self.sent / path.name)
                    done.append((self.sent / path.name,
                                 [a for a in recipients(msg) if a not in refused]))
                    for addr, err in refused.items():
                        log.warning("%s: %s refused it (%s); the others got it",
                                    path.name, addr, _reason(*err))
        except DeliveryError as exc:
            left = self.waiting()
            raise DeliveryError(f"{exc}; {_count(left)} in {self.outbox} for the next "
                                "`digest send`") from None
        if failures:
            raise DeliveryError("the SMTP server refused: " + " | ".join(failures)
                                + f"; kept in {self.outbox} for the next `digest send`")
        return done


def _count(paths: list[Path]) -> str:
    return "1 message waits" if len(paths) == 1 else f"{len(paths)} messages wait"


def _reason(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    return f"{code} {' '.join(text.split())}"


def password(config: Config) -> str:
    """The SMTP password: DIGEST_SMTP_PASSWORD, else the output of smtp.password_command."""
    if config["smtp.password"]:
        return config["smtp.password"]
    command = config["smtp.password_command"]
    if not command:
        raise DigestError("smtp.user is set but there is no password: set "
                          "DIGEST_SMTP_PASSWORD or smtp.password_command")
    done = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise DigestError(f"smtp.password_command exited with status {done.returncode}")
    return done.stdout.rstrip("\r\n")


@contextlib.contextmanager
def _connect(config: Config) -> Iterator[smtplib.SMTP]:
    """A logged-in SMTP session as configured: STARTTLS, implicit TLS, or plain."""
    security, host = config["smtp.security"], config["smtp.host"]
    port = config["smtp.port"] or PORTS[security]
    timeout = config["smtp.timeout"]
    where = f"{host}:{port}"
    context = ssl.create_default_context()
    try:
        if security == "tls":
            server = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            server = smtplib.SMTP(host, port, timeout=timeout)
        try:
            if security == "starttls":
                server.ehlo()
                if not server.has_extn("starttls"):
                    raise DeliveryError(f"{where} does not offer STARTTLS; not sending in "
                                        "the clear (smtp.security = \"none\" allows it)")
                server.starttls(context=context)
                server.ehlo()
            if config["smtp.user"]:
                server.login(config["smtp.user"], password(config))
            yield server
        finally:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                server.quit()
    except DigestError:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(f"{where}: login as {config['smtp.user']!r} refused "
                            f"({_reason(exc.smtp_code, exc.smtp_error)})") from None
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(f"{where}: {_reason(exc.smtp_code, exc.smtp_error)}") from None
    except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
        reason = "timed out" if isinstance(exc, socket.timeout) else (
            getattr(exc, "strerror", None) or str(exc) or type(exc).__name__)
        raise DeliveryError(f"cannot reach the SMTP server {where} ({reason})") from None


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold OUT/.digest.lock for the duration, or raise Busy if another run holds it.
    Temporary files left in OUT by a killed run are removed first."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / ".digest.lock"
    with path.open("a+") as f:
        try:
            _lock(f.fileno())
        except OSError:
            raise Busy(f"{path}: another digest run is working in {out}; "
                       "try again when it has finished") from None
        try:
            for folder in (out, out / "outbox", out / "sent"):
                remove_leftovers(folder)
            yield
        finally:
            _unlock(f.fileno())


if os.name == "nt":  # pragma: no cover
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
