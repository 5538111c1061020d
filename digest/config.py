"""Settings: built-in defaults, then `digest.toml`, then DIGEST_* environment variables.

Command-line options override all three. Every setting is declared once, in SETTINGS,
with its type, default and environment variable; `digest config show` lists them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .backends import BATCH_SIZE
from .errors import DigestError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    help: str
    env: str | None = None
    kind: str = "str"  # str, int, bool, list, path, paths, folder
    choices: tuple[str, ...] = ()
    secret: bool = False
    range: tuple[int, int] = (0, 10**9)  # for int: the smallest and largest allowed
    exists: bool = False  # for path: the file must be there


SETTINGS = {
    s.key: s
    for s in (
        Setting(
            "inputs",
            [],
            "Article files or folders that `digest run` reads by default.",
            kind="paths",
        ),
        Setting("urls", [], "Article pages (URLs) that `digest run` reads.", kind="list"),
        Setting("feeds", [], "RSS or Atom feeds whose articles `digest run` reads.", kind="list"),
        Setting(
            "fetch.timeout", 20, "Seconds to wait for a web server.", kind="int", range=(1, 3600)
        ),
        Setting(
            "fetch.retries", 2, "Retries of a URL that failed in a way that may pass.", kind="int"
        ),
        Setting(
            "fetch.max_mb", 5, "Largest page or feed read, in MB.", kind="int", range=(1, 1024)
        ),
        Setting("out", "out", "Folder for briefings, the outbox and sent mail.", kind="path"),
        Setting("lang", "pt,en", "Languages of the briefing: pt, en or pt,en."),
        Setting(
            "words", 60, "Word budget of each summary shown in full.", kind="int", range=(10, 2000)
        ),
        Setting(
            "top",
            10,
            "Stories shown in full, most important first; the others one line "
            "each under 'Also today' (0: all in full).",
            kind="int",
        ),
        Setting(
            "minutes",
            10,
            "Reading time to aim at: on a long day the summaries in full get "
            "shorter (30 words at least) to fit it; 0: always --words.",
            kind="int",
        ),
        Setting(
            "follow",
            7,
            "Days to look back for stories that continue (0: none).",
            kind="int",
            range=(0, 365),
        ),
        Setting(
            "summarizer",
            "extractive",
            "Summarizer: extractive, or hf:MODEL (a model id or folder).",
        ),
        Setting(
            "translator", "bergamot", "Translator: bergamot, or hf:MODEL (a model id or folder)."
        ),
        Setting(
            "device", "auto", "Where hf: models run: auto (CUDA when present), cpu, cuda, mps."
        ),
        Setting(
            "batch_size", BATCH_SIZE, "Texts per batch for hf: models.", kind="int", range=(1, 4096)
        ),
        Setting(
            "summarizer_prompt",
            None,
            "Prompt file for an hf: summarizer ('… {text}').",
            kind="path",
            exists=True,
        ),
        Setting(
            "translator_prompt",
            None,
            "Prompt file for an hf: translator ('… {text}').",
            kind="path",
            exists=True,
        ),
        Setting(
            "strict",
            False,
            "Fail instead of falling back to the embedded backend when a "
            "model is missing or a plugin fails.",
            kind="bool",
        ),
        Setting(
            "templates",
            None,
            "Folder of your own templates for the briefing and the email "
            "(briefing.md.j2, email.txt.j2, email.html.j2) [default: the built-in ones].",
            env="DIGEST_TEMPLATES",
            kind="folder",
        ),
        Setting(
            "format",
            "md",
            "What `digest run` writes: OUT/DATE.md, OUT/DATE.eml (the email), or both.",
            choices=("md", "email", "both"),
        ),
        Setting("email.from", "digest@localhost", "Sender address.", env="DIGEST_FROM"),
        Setting(
            "email.to",
            [],
            "Recipients (a list; DIGEST_TO takes commas).",
            env="DIGEST_TO",
            kind="list",
        ),
        Setting("email.send_empty", False, "Send a briefing that has no stories.", kind="bool"),
        Setting("smtp.host", "localhost", "SMTP server.", env="DIGEST_SMTP_HOST"),
        Setting(
            "smtp.port",
            0,
            "SMTP port; 0 means the security's usual one (587, 465, 25).",
            env="DIGEST_SMTP_PORT",
            kind="int",
            range=(0, 65535),
        ),
        Setting(
            "smtp.security",
            "starttls",
            "starttls, tls (implicit TLS) or none (plain).",
            env="DIGEST_SMTP_SECURITY",
            choices=("starttls", "tls", "none"),
        ),
        Setting("smtp.user", "", "SMTP login; empty means no login.", env="DIGEST_SMTP_USER"),
        Setting(
            "smtp.password",
            "",
            "SMTP password: from the environment only, never a file.",
            env="DIGEST_SMTP_PASSWORD",
            secret=True,
        ),
        Setting(
            "smtp.password_command",
            "",
            "A shell command that prints the SMTP password (for cron, e.g. `pass show smtp`).",
        ),
        Setting(
            "smtp.timeout", 30, "Seconds to wait on the SMTP server.", kind="int", range=(1, 3600)
        ),
    )
}


LANGS = ("pt", "en")


def langs_of(value: str) -> tuple[str, ...]:
    """The briefing's languages from 'pt', 'en' or 'pt,en'."""
    langs = tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    if not langs or any(lang not in LANGS for lang in langs):
        raise DigestError(f"lang {value!r}: use pt, en or pt,en")
    return langs


def expand(path: Path, what: str) -> Path:
    """`path` with a leading ~ or ~USER made that home folder; a DigestError naming
    `what` (a setting, a variable) when there is no such user or home."""
    try:
        return path.expanduser()
    except RuntimeError:
        raise DigestError(
            f"{what}: {str(path)!r}: {path.parts[0]} names no user with a home folder"
        ) from None


def default_path() -> Path:
    """The platform's config file: ~/.config/digest/digest.toml on Linux."""
    import platformdirs

    return platformdirs.user_config_path("digest") / "digest.toml"


@dataclass
class Config:
    """Effective settings, and where each came from ('default', the file, or a variable)."""

    path: Path
    values: dict[str, Any]
    sources: dict[str, str]
    # A [backends.NAME] table's settings, for the backend NAME alone (Options.settings).
    backends: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def override(self, where: str = "run()", **values: Any) -> Config:
        """These settings with some values replaced (None leaves a value as it is),
        each checked as a value from the file is; `where` names them in errors."""
        new = Config(self.path, dict(self.values), dict(self.sources), self.backends)
        for key, value in values.items():
            if value is None:
                continue
            if key not in SETTINGS or "." in key:
                raise DigestError(f"{where}: no setting called {key!r}")
            new.values[key] = _convert(SETTINGS[key], value, where, Path())
            new.sources[key] = where
        return new

    def show(self) -> list[str]:
        """'key = value  # source' lines, secrets masked."""
        import json

        lines = []
        for key, setting in SETTINGS.items():
            value = self.values[key]
            if setting.secret and value:
                text = '"********"'
            elif isinstance(value, Path):
                text = json.dumps(str(value))
            elif isinstance(value, list):
                text = json.dumps([str(v) for v in value], ensure_ascii=False)
            else:
                text = json.dumps(value, ensure_ascii=False)
            lines.append(f"{key} = {text}  # {self.sources[key]}")
        for name, table in self.backends.items():
            lines += [
                f"backends.{name}.{option} = "
                f"{json.dumps(value, ensure_ascii=False, default=str)}  # {self.path}"
                for option, value in table.items()
            ]
        return lines


def _convert(setting: Setting, value: Any, where: str, base: Path) -> Any:
    """`value` as the setting's type, or a DigestError naming `where` and the key."""

    def bad(expected: str) -> DigestError:
        return DigestError(f"{where}: {setting.key} must be {expected}, not {value!r}")

    kind = setting.kind
    if kind == "int":
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)
        low, high = setting.range
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise bad(f"a whole number from {low}" + (f" to {high}" if high < 10**9 else ""))
        return value
    if kind == "bool":
        if isinstance(value, str) and value.lower() in ("1", "true", "yes", "0", "false", "no"):
            value = value.lower() in ("1", "true", "yes")
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if kind in ("list", "paths"):
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if kind == "paths" and isinstance(value, (list, tuple)):
            value = [str(v) if isinstance(v, os.PathLike) else v for v in value]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise bad("a list of strings")
        return (
            [base / expand(Path(v), f"{where}: {setting.key}") for v in value]
            if kind == "paths"
            else list(value)
        )
    if setting.key == "lang" and isinstance(value, (list, tuple)):
        value = ",".join(map(str, value))
    if kind in ("path", "folder") and isinstance(value, os.PathLike):
        value = str(value)
    if not isinstance(value, str):
        raise bad("a string")
    if setting.choices and value not in setting.choices:
        raise bad(" or ".join(setting.choices))
    if setting.key == "lang":
        try:
            langs_of(value)
        except DigestError:
            raise bad("pt, en or pt,en") from None
    if kind not in ("path", "folder"):
        return value
    path = base / expand(Path(value), f"{where}: {setting.key}")
    if setting.exists and not path.is_file():
        raise DigestError(f"{where}: {setting.key}: {path} is not a file")
    if kind == "folder" and not path.is_dir():
        raise DigestError(f"{where}: {setting.key}: {path} is not a folder")
    return path


def _flatten(table: dict, prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat |= _flatten(value, f"{prefix}{key}.")
        else:
            flat[prefix + key] = value
    return flat


def load(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Settings from `path` (default: the platform's config file, if there is one) and
    the environment."""
    import logging

    env: Mapping[str, str] = os.environ if environ is None else environ
    explicit = path is not None
    path = expand(path, "--config") if path is not None else default_path()
    values = {key: s.default for key, s in SETTINGS.items()}
    sources = dict.fromkeys(SETTINGS, "default")
    backend_settings: dict[str, dict[str, Any]] = {}
    if explicit or path.exists():
        if path.is_fifo():  # reading one waits for a writer that may never come
            raise DigestError(f"{path}: a pipe, not a settings file")
        try:
            flat = _flatten(tomllib.loads(path.read_text(encoding="utf-8")))
        except OSError as exc:
            raise DigestError(
                f"{path}: cannot read the config file ({exc.strerror or exc})"
            ) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise DigestError(f"{path}: not valid TOML ({exc})") from None
        except RecursionError:
            raise DigestError(f"{path}: not valid TOML (nested too deeply)") from None
        for key, value in flat.items():
            setting = SETTINGS.get(key)
            if key.startswith("backends.") and key.count(".") >= 2:
                _, name, option = key.split(".", 2)  # [backends.NAME]: that backend's own
                backend_settings.setdefault(name, {})[option] = value
                continue
            if setting is None:
                logging.getLogger("digest").warning("%s: unknown setting %r, ignored", path, key)
            elif setting.secret:
                raise DigestError(
                    f"{path}: {key} does not belong in a file; set "
                    f"{setting.env} or smtp.password_command instead"
                )
            else:
                values[key] = _convert(setting, value, str(path), path.parent.resolve())
                sources[key] = str(path)
    for key, setting in SETTINGS.items():
        if setting.env and env.get(setting.env):
            values[key] = _convert(setting, env[setting.env], setting.env, Path.cwd())
            sources[key] = setting.env
    return Config(path, values, sources, backend_settings)
