"""The errors a user can cause or meet: each prints as one line, with an exit status."""

from __future__ import annotations


class DigestError(Exception):
    """A user-facing error: printed as one line, exit status 1. `result` is what a run
    had made before it, if anything (a briefing written, an email not sent)."""

    exit_code = 1
    result: object = None


class FetchError(DigestError):
    """A URL that could not be read; the run warns and goes on."""


class Unavailable(DigestError):
    """A backend that cannot be had or does not do its work: a model missing, a plugin
    that cannot be imported or built, or that fails or breaks its protocol. A run falls
    back to the embedded backend, unless --strict."""


class ModelUnavailable(Unavailable):
    """A model that is neither a folder, nor cached, nor downloadable now."""


class DeliveryError(DigestError):
    """The SMTP server did not take a message; it waits in the outbox. Exit status 3."""

    exit_code = 3


class Busy(DigestError):
    """Another digest run holds the output or data folder. Exit status 4."""

    exit_code = 4
