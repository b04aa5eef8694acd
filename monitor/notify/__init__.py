"""Alerts: match events to subscriptions, queue them in the outbox, deliver them via Apprise."""

from monitor.notify.channels import Channel, channel_key, channels_of
from monitor.notify.dispatcher import Dispatcher, DispatchStats
from monitor.notify.enqueue import DEAD, DELIVERED, DIGEST, PENDING, SENDING, enqueue
from monitor.notify.render import DigestItem, render_digest, render_message
from monitor.notify.testsend import send_test

__all__ = [
    "DEAD",
    "DELIVERED",
    "DIGEST",
    "PENDING",
    "SENDING",
    "Channel",
    "DigestItem",
    "DispatchStats",
    "Dispatcher",
    "channel_key",
    "channels_of",
    "enqueue",
    "render_digest",
    "render_message",
    "send_test",
]
