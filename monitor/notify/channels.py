"""A subscription's channels: a stable key per channel, its public label, and sending through it.

The outbox must name a channel without storing its URL: the URL holds secrets (substituted
from `${ENV}` at load time), and a key derived from it would change whenever a secret is
rotated, so an event re-ingested after a rotation would be queued a second time. The key is
therefore derived from what the config says about the channel and what does not change with
its secrets: the subscription id, the channel's position in `notify`, and its scheme.
Reordering a subscription's `notify` list re-keys its channels; rows already queued then find
no channel and are marked dead with a visible error rather than sent to the wrong place.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any

import apprise
from apprise import NotifyFormat

from config.schema import Config, SubscriptionConfig
from monitor.notify.render import md_escape
from monitor.redaction import redact_url, scrub, url_secrets

# Generic webhooks are read by programs: plain text unless the URL asks otherwise (?format=).
_PLAIN_SCHEMES = frozenset({"json", "jsons", "form", "forms", "xml", "xmls"})
_EMAIL_SCHEMES = frozenset({"mailto", "mailtos"})
# Services whose limit is in bytes: WeCom bot text (2048 UTF-8 bytes), DingTalk (20000),
# Feishu/Lark (a 20 KB request), and ntfy, whose JSON Apprise turns into a file attachment
# beyond 8000 bytes (we keep some room for the topic and the keys).
_BYTE_LIMITS: dict[str, tuple[str, int]] = {
    "wecombot": ("utf8", 2048),
    "dingtalk": ("utf8", 20000),
    "feishu": ("utf8", 19000),
    "lark": ("utf8", 19000),
    "ntfy": ("json", 7600),
    "ntfys": ("json", 7600),
}
_ASSET = apprise.AppriseAsset(app_id="regwatch", app_desc="regwatch change alerts")


@dataclass(frozen=True)
class Channel:
    subscription_id: str
    index: int
    url: str
    key: str
    label: str

    @property
    def scheme(self) -> str:
        return scheme_of(self.url)


@dataclass(frozen=True)
class SendResult:
    ok: bool
    error: str | None
    duration: float


def scheme_of(url: str) -> str:
    return url.split("://", 1)[0].lower() if "://" in url else ""


def channel_key(subscription_id: str, index: int, scheme: str) -> str:
    return hashlib.sha256(f"{subscription_id}\n{index}\n{scheme}".encode()).hexdigest()


def channels_of(subscription: SubscriptionConfig) -> list[Channel]:
    return [
        Channel(
            subscription_id=subscription.id,
            index=i,
            url=url,
            key=channel_key(subscription.id, i, scheme_of(url)),
            label=redact_url(url)[:500],
        )
        for i, url in enumerate(subscription.notify)
    ]


def find_channel(config: Config, subscription_id: str, key: str) -> Channel | None:
    for subscription in config.subscriptions:
        if subscription.id == subscription_id:
            return next((c for c in channels_of(subscription) if c.key == key), None)
    return None


def all_channel_secrets(config: Config) -> set[str]:
    """Every secret-looking part of every channel URL (also ones written literally)."""
    found: set[str] = set()
    for subscription in config.subscriptions:
        for url in subscription.notify:
            found |= url_secrets(url)
    return found


class Target:
    """One instantiated Apprise service: what format it renders and how long a message may be."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.service: Any = apprise.Apprise.instantiate(channel.url, asset=_ASSET)
        if self.service is None:
            raise ValueError(f"not a usable Apprise URL: {channel.label}")

    @property
    def format(self) -> str:
        """HTML for email, Markdown where the service renders it, text otherwise.

        Apprise knows which formats each service accepts (and honours a `?format=` in the URL);
        we only say which we would like. WeCom bot and Feishu/Lark are posted by Apprise as
        plain-text messages, so they get text: Markdown would show up as raw asterisks there.
        """
        scheme = self.channel.scheme
        if scheme in _EMAIL_SCHEMES:
            wanted = NotifyFormat.HTML
        elif scheme in _PLAIN_SCHEMES:
            wanted = NotifyFormat.TEXT
        else:
            wanted = NotifyFormat.MARKDOWN
        return str(self.service.resolve_format(wanted).value)

    @property
    def title_in_body(self) -> bool:
        """Services without a title field get the title prepended to the body by Apprise."""
        return int(self.service.title_maxlen) <= 0

    @property
    def max_title(self) -> int:
        return max(int(self.service.title_maxlen), 0)

    @property
    def max_body(self) -> int:
        return int(self.service.body_maxlen)

    def body_budget(self, title: str) -> int:
        """Characters left for our body once Apprise has merged the title in (if it does)."""
        margin = 8
        if self.title_in_body:
            return max(self.max_body - len(title) - 4 - margin, 100)
        return max(self.max_body - margin, 100)

    def excess(self, title: str, body: str) -> float:
        """How far a message overshoots the service's limit (at most 1.0 when it fits).

        Apprise's limits count characters; some services count bytes, which Chinese text
        reaches three times sooner (six, once escaped into ntfy's JSON).
        """
        title = self.sent_title(title)
        text = f"{title}\r\n{body}" if self.title_in_body else body
        ratios = [len(text) / self.max_body]
        rule = _BYTE_LIMITS.get(self.channel.scheme)
        if rule is not None:
            unit, limit = rule
            if unit == "utf8":
                size = len(text.encode("utf-8"))
            else:
                size = len(json.dumps({"title": title, "message": body}))
            ratios.append(size / limit)
        return max(ratios)

    def sent_title(self, title: str) -> str:
        """The title as handed to Apprise: cut to the service's title field, or escaped when
        Apprise makes it the `# heading` line of a Markdown body."""
        if self.title_in_body:
            return md_escape(title) if self.format == "markdown" else title
        limit = self.max_title
        return title if len(title) <= limit else title[: max(limit - 1, 1)].rstrip() + "…"

    def send(self, title: str, body: str, secrets: frozenset[str]) -> SendResult:
        """Deliver once (Apprise's own retries off: the outbox owns retrying)."""
        started = time.monotonic()
        notifier = apprise.Apprise(asset=_ASSET)
        notifier.add(self.service)
        title = self.sent_title(title)
        try:
            result = notifier.notify(body=body, title=title, body_format=self.format)
        except Exception as exc:  # a plugin bug must be an attempt's error, not a crash
            return SendResult(False, _clean(f"{type(exc).__name__}: {exc}", secrets, self), 0.0)
        duration = time.monotonic() - started
        if result:
            return SendResult(True, None, duration)
        messages = [
            entry.message
            for entry in result.logs()
            if entry.level in {"WARNING", "ERROR", "CRITICAL"}
        ]
        error = "; ".join(dict.fromkeys(messages)) or f"delivery failed ({result.status.name})"
        return SendResult(False, _clean(error, secrets, self), duration)


def _clean(text: str, secrets: frozenset[str], target: Target) -> str:
    return scrub(text, secrets | url_secrets(target.channel.url))[:2000]
