"""Keep channel secrets (Apprise URLs, SMTP passwords, `${ENV}` values) out of logs and output.

Two layers: `redact_url` renders a channel URL the way Apprise itself shows it with privacy on,
and `install_redaction` scrubs known secret values from every log record, whoever logs it
(Apprise, SQLAlchemy, our own code, an exception's traceback).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, unquote, urlsplit

import apprise

MASK = "****"
# Shorter values are too likely to be ordinary text ("yes", "443") to be worth masking.
_MIN_SECRET = 4
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def redact_url(url: str) -> str:
    """Apprise's own privacy rendering of a channel URL; never raises, never echoes the URL.

    Apprise hides what each service declares secret (passwords, tokens, keys), but shows a
    generic webhook's path and host; the secrets registered with `install_redaction` are
    masked there too.
    """
    try:
        with quiet_apprise():
            instance = apprise.Apprise.instantiate(url, suppress_exceptions=True)
        if instance is not None and not isinstance(instance, bool):
            return _replace(str(instance.url(privacy=True)), _SCRUBBER.ordered)
    except Exception:  # a label must never break the caller
        pass
    match = _SCHEME.match(url or "")
    return f"{match.group(1)}://{MASK}" if match else MASK


class _QuietFilter(logging.Filter):
    """Drops Apprise's records on threads inside `quiet_apprise()`; other threads log on."""

    local = threading.local()

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(self.local, "depth", 0)


_QUIET = _QuietFilter()
logging.getLogger("apprise").addFilter(_QUIET)


@contextmanager
def quiet_apprise() -> Iterator[None]:
    """Silence Apprise on this thread: instantiating a URL logs it at debug level, which is
    unsafe while the secrets in it are not yet known to the scrubber (loading the config)."""
    _QUIET.local.depth = getattr(_QUIET.local, "depth", 0) + 1
    try:
        yield
    finally:
        _QUIET.local.depth -= 1


def url_secrets(url: str) -> set[str]:
    """Parts of a channel URL that its privacy rendering hides: the values to scrub from logs.

    Needed for secrets written into the config literally (not through `${ENV}`): tokens in the
    host (wecombot://KEY), path, password or query are hidden by Apprise's rendering, so any
    part missing from that rendering is treated as secret.
    """
    try:
        parts = urlsplit(url)
        shown = unquote(redact_url(url))
        candidates = [parts.password or "", parts.username or "", parts.hostname or ""]
        candidates += parts.path.split("/")
        candidates += [value for _, value in parse_qsl(parts.query, keep_blank_values=True)]
    except ValueError:
        return set()
    found = set()
    for candidate in candidates:
        value = unquote(candidate)
        if len(value) >= _MIN_SECRET and value not in shown:
            found.add(value)
    return found


def scrub(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret, and its percent-encoded forms, by a mask (longest first)."""
    for secret in _variants(secrets):
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def _variants(secrets: Iterable[str]) -> list[str]:
    forms: set[str] = set()
    for secret in secrets:
        if len(secret) >= _MIN_SECRET:
            forms.update({secret, quote(secret, safe=""), quote_plus(secret), quote(secret)})
    return sorted(forms, key=len, reverse=True)


class _Scrubber:
    """Wraps the log record factory, so records from every logger are scrubbed at birth.

    A filter on the root logger would not do: Python consults a logger's filters only for
    records logged on that very logger, not for records propagated from child loggers.
    """

    def __init__(self) -> None:
        self.secrets: frozenset[str] = frozenset()
        self.ordered: list[str] = []
        self.lock = threading.Lock()
        self.installed = False

    def add(self, secrets: Iterable[str]) -> None:
        with self.lock:
            self.secrets = self.secrets | {s for s in secrets if len(s) >= _MIN_SECRET}
            self.ordered = _variants(self.secrets)
            if not self.installed:
                previous = logging.getLogRecordFactory()
                logging.setLogRecordFactory(self._factory(previous))
                self.installed = True

    def _factory(self, previous: Callable[..., logging.LogRecord]) -> Callable[..., Any]:
        def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            self.clean(record)
            return record

        return make

    def clean(self, record: logging.LogRecord) -> None:
        ordered = self.ordered
        if not ordered:
            return
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the logger's problem, not ours
            message = str(record.msg)
        record.msg, record.args = _replace(message, ordered), None
        if record.exc_info and not record.exc_text:
            record.exc_text = _replace(
                logging.Formatter().formatException(record.exc_info), ordered
            )
        if record.stack_info:
            record.stack_info = _replace(record.stack_info, ordered)


def _replace(text: str, ordered: list[str]) -> str:
    for secret in ordered:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


_SCRUBBER = _Scrubber()


def install_redaction(secrets: Iterable[str]) -> None:
    """Scrub these values from every log record from now on; safe to call again to add more."""
    _SCRUBBER.add(secrets)


def installed_secrets() -> frozenset[str]:
    return _SCRUBBER.secrets
