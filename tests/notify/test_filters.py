"""Acceptance 5: keyword, region, source, topic, event-type and significance filters, each seen
to match and not to match."""

from __future__ import annotations

import pytest

from config.schema import SubscriptionConfig
from monitor.notify.matching import EventFacts, wants

SUBSCRIPTIONS = """
subscriptions:
  - id: everything
    notify: ["json://127.0.0.1:9/all"]
  - id: kw-menzhen
    notify: ["json://127.0.0.1:9/kw"]
    keywords: [门诊]
  - id: kw-traditional
    notify: ["json://127.0.0.1:9/kwt"]
    keywords: [門診統籌]
  - id: kw-unchanged-part
    notify: ["json://127.0.0.1:9/kwu"]
    keywords: [自2022年1月1日起施行]
  - id: kw-changed-part
    notify: ["json://127.0.0.1:9/kwc"]
    keywords: [起付标准]
  - id: region-cq
    notify: ["json://127.0.0.1:9/rcq"]
    regions: [重庆]
  - id: region-sh
    notify: ["json://127.0.0.1:9/rsh"]
    regions: [上海市]
  - id: source-sh
    notify: ["json://127.0.0.1:9/ssh"]
    sources: [sh-rsj]
  - id: topic-jobs
    notify: ["json://127.0.0.1:9/tj"]
    topics: [就业]
  - id: only-new
    notify: ["json://127.0.0.1:9/new"]
    events: [new]
  - id: major
    notify: ["json://127.0.0.1:9/major"]
    min_significance: 3
  - id: cosmetic-too
    notify: ["json://127.0.0.1:9/cos"]
    events: [changed, cosmetic]
    sources: [cq-ybj]
"""

JOBS_TEXT = "上海市灵活就业人员参加职工基本养老保险办法\n第一条 灵活就业人员可以个人身份参保。"


def _matched(world, **event) -> set[str]:
    event_id, _ = world.add_event(**event)
    return {row.subscription_id for row in world.rows(event_id)}


def test_each_filter_matches_and_rejects(make_world):
    world = make_world(SUBSCRIPTIONS)

    # A figure change to 重庆's 门诊 rules: significance 2, in cq-ybj (医疗保险).
    assert _matched(world, title="职工医保门诊共济办法") == {
        "everything",
        "kw-menzhen",
        "kw-traditional",  # 門診統籌 matches 门诊统筹: Traditional folded to Simplified
        "kw-changed-part",  # 起付标准 is on the changed line
        "region-cq",  # 重庆 matches the source region 重庆市
        "cosmetic-too",
    }

    # A new 上海 policy on 灵活就业: significance 3, in sh-rsj (就业, 社会保险).
    assert _matched(
        world,
        source_id="sh-rsj",
        type="new",
        title="灵活就业人员参保办法",
        old_text=None,
        new_text=JOBS_TEXT,
        significance=3,
    ) == {"everything", "region-sh", "source-sh", "topic-jobs", "only-new", "major"}

    # A cosmetic (silent) edit reaches only a subscription that lists `cosmetic` itself.
    assert _matched(world, type="cosmetic", significance=0, silent=True) == {"cosmetic-too"}

    # A removal is not among `only-new`'s or `cosmetic-too`'s event types.
    assert "only-new" not in _matched(
        world, type="removed", old_text=None, new_text=None, significance=3
    )


def test_keywords_are_matched_in_changed_text_not_in_untouched_articles(make_world):
    world = make_world(SUBSCRIPTIONS)
    matched = _matched(world, title="医保办法")
    # 第十三条 (自2022年1月1日起施行) did not change; 第十二条 (起付标准) did.
    assert "kw-unchanged-part" not in matched
    assert "kw-changed-part" in matched
    # …while a new policy is matched on its whole text.
    new_policy = _matched(world, type="new", title="医保办法", old_text=None, significance=3)
    assert "kw-unchanged-part" in new_policy


def _facts(text: str) -> EventFacts:
    return EventFacts("changed", "cq-ybj", "重庆市", ("医疗保险",), 2, False, text)


@pytest.mark.parametrize(
    ("keyword", "text", "expected"),
    [
        ("门诊", "普通门\n诊统筹", True),  # split by a line break in the page
        ("门诊", "普通门 诊统筹", True),  # or by a space
        ("灵活就业", "靈活就業人員", True),  # Traditional text
        ("ABC", "规定ａｂｃ标准", True),  # full-width and case
        ("门诊", "住院统筹", False),
        ("灵活就业", "就业困难人员", False),
    ],
)
def test_keyword_match_is_chinese_aware(keyword, text, expected):
    subscription = SubscriptionConfig(id="s", notify=["json://x"], keywords=[keyword])
    assert wants(subscription, _facts(text)) is expected


def test_every_set_filter_must_pass():
    subscription = SubscriptionConfig(
        id="s", notify=["json://x"], keywords=["门诊"], regions=["上海"]
    )
    assert not wants(subscription, _facts("门诊"))  # keyword yes, region no
