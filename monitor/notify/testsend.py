"""`regwatch notify-test`: one test message through each channel of a subscription."""

from __future__ import annotations

import html

from config.loader import LoadedConfig
from monitor.notify.channels import SendResult, Target, all_channel_secrets, channels_of
from monitor.notify.labels import label
from monitor.notify.render import md_escape
from monitor.redaction import install_redaction


def send_test(loaded: LoadedConfig, subscription_id: str) -> list[tuple[str, bool, str | None]]:
    """(redacted channel, ok, error) per channel; raises KeyError for an unknown subscription."""
    config = loaded.config
    subscription = next((s for s in config.subscriptions if s.id == subscription_id), None)
    if subscription is None:
        raise KeyError(subscription_id)
    language = subscription.language or config.notifications.language
    secrets = frozenset(loaded.secrets | all_channel_secrets(config))
    install_redaction(secrets)
    title = label(language, "test_title")
    text = label(language, "test_body", sub=subscription.id)
    outcomes: list[tuple[str, bool, str | None]] = []
    for channel in channels_of(subscription):
        try:
            target = Target(channel)
        except ValueError as exc:
            outcomes.append((channel.label, False, str(exc)))
            continue
        shapes = {"html": f"<p>{html.escape(text)}</p>", "markdown": md_escape(text)}
        body = shapes.get(target.format, text)
        result: SendResult = target.send(title, body, secrets)
        outcomes.append((channel.label, result.ok, result.error))
    return outcomes
