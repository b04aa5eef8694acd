"""Alerts: match events to subscriptions, queue them in the outbox, deliver them via Apprise.

Delivery (`monitor.notify.dispatcher`, `monitor.notify.testsend`) is imported from its own
module by the commands that deliver: a crawl process only queues alerts.
"""

from monitor.notify.channels import Channel, channel_key, channels_of
from monitor.notify.enqueue import DEAD, DELIVERED, DIGEST, PENDING, SENDING, enqueue
from monitor.notify.render import DigestItem, render_digest, render_message

__all__ = [
    "DEAD",
    "DELIVERED",
    "DIGEST",
    "PENDING",
    "SENDING",
    "Channel",
    "DigestItem",
    "channel_key",
    "channels_of",
    "enqueue",
    "render_digest",
    "render_message",
]
