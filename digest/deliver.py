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
from .errors import DeliveryError, DigestError
from .model import Briefing
from .render import render, subject
from .store import remove_leftovers, write_atomic

log = logging.getLogger("digest")

PORTS = {"starttls": 587, "tls": 465, "none": 25}
NO_RECIPIENTS = ("email.to: no recipients; set `to` under [email] in digest.toml, DIGEST_TO, "
                 "or --to")


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
            raise DigestError(NO_RECIPIENTS)
        for folder in (self.outbox, self.sent):
            remove_leftovers(folder)
        return write_atomic(self.outbox / f"{date.isoformat()}.eml", msg.as_bytes())

    def enqueue(self, msg: EmailMessage, date: dt.date, config: Config,
                to: list[str] | None = None, force: bool = False) -> Path | None:
        """Address `msg` (to `to`, else email.to, else its own To) and queue it as the
        briefing of `date`, unless that date was sent before and not `force`: then None."""
        if self.was_sent(date) and not force:
            return None
        readdress(msg, config["email.from"], to or config["email.to"] or recipients(msg))
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
