"""Which subscriptions want an event. Pure: the caller gathers the texts.

Keywords are matched as substrings of folded text (NFKC, Traditional → Simplified, whitespace
and punctuation variants unified, case folded): Chinese has no word spaces, so a keyword such
as 门诊 must be found inside 普通门诊统筹 and across a line break that split it (门\\n诊).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from config.schema import SubscriptionConfig
from monitor.compare.key import comparison_key


@dataclass(frozen=True)
class EventFacts:
    """What a subscription filter can look at, gathered once per event."""

    type: str
    source_id: str
    region: str | None
    topics: tuple[str, ...]
    significance: int
    silent: bool
    text: str  # title + change summary + changed text


def fold(text: str) -> str:
    return comparison_key(text).replace(" ", "").casefold()


def _norm(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().casefold()


def wants(subscription: SubscriptionConfig, facts: EventFacts, folded: str | None = None) -> bool:
    """Every filter the subscription sets must pass; an unset filter passes everything.

    Silent event types (cosmetic, moved…) reach a subscription only when it lists them in its
    own `events` — the default list never carries them.
    """
    if facts.type not in subscription.events:
        return False
    if facts.silent and "events" not in subscription.model_fields_set:
        return False
    if facts.significance < subscription.min_significance:
        return False
    if subscription.sources and facts.source_id not in subscription.sources:
        return False
    if subscription.regions and not _region_matches(subscription.regions, facts.region):
        return False
    if subscription.topics and not _topics_match(subscription.topics, facts.topics):
        return False
    if subscription.keywords:
        haystack = folded if folded is not None else fold(facts.text)
        needles = [fold(k) for k in subscription.keywords]
        return any(needle and needle in haystack for needle in needles)
    return True


def _region_matches(wanted: Iterable[str], region: str | None) -> bool:
    """`重庆` matches a source in 重庆市 and one in 重庆市渝中区: regions nest by name."""
    if not region:
        return False
    have = _norm(region)
    return any(_norm(w) and _norm(w) in have for w in wanted)


def _topics_match(wanted: Iterable[str], topics: Iterable[str]) -> bool:
    have = {_norm(t) for t in topics}
    return any(_norm(w) in have for w in wanted)
