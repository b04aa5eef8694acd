"""Acceptance 4: digests go out at their time in the configured zone, one per subscription,
grouped by source; never before."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from config.schema import Digest
from monitor.notify import DELIVERED, DIGEST
from monitor.notify.schedule import last_slot, next_slot

SHANGHAI = ZoneInfo("Asia/Shanghai")
CQ = "重庆市医疗保障局 · 政策文件（重庆市）"
SH = "上海市人力资源和社会保障局（上海市）"


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 5, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def test_ten_events_over_a_day_make_one_digest_per_subscription_at_its_time(
    make_world, http, clock
):
    world = make_world(
        f"""
notifications:
  timezone: Asia/Shanghai
subscriptions:
  - id: morning
    notify: ["{http.url("json", "/morning")}"]
    digest: daily@09:00
  - id: evening
    notify: ["{http.url("ntfy", "/evening", "?format=markdown")}"]
    digest: daily@18:00
  - id: instant
    notify: ["{http.url("json", "/instant")}"]
    sources: [sh-rsj]
"""
    )
    hours = [0, 2, 4, 6, 8, 10, 12, 14, 16, 20]
    plan = [
        (local(20, hour, 30), "cq-ybj" if i % 2 == 0 else "sh-rsj", f"政策{i + 1}号")
        for i, hour in enumerate(hours)
    ]
    dispatcher = world.dispatcher(clock)
    clock.now = local(20, 0)
    arrivals: list[tuple[datetime, str, dict]] = []
    pending = list(plan)
    while clock.now <= local(21, 9, 30):
        while pending and pending[0][0] <= clock.now:
            at, source, title = pending.pop(0)
            world.add_event(at=at, source_id=source, title=title)
        seen = len(http.received())
        dispatcher.run_once()
        for post in http.received()[seen:]:
            arrivals.append((clock.now, post.path.split("?")[0], post.json()))
        clock.now += timedelta(minutes=10)

    def when(path: str) -> list[datetime]:
        return [at for at, p, _ in arrivals if p == path]

    # Immediate subscription: each of its five events at once. Digests: at 09:00 and 18:00.
    assert when("/instant") == [at for at, source, _ in plan if source == "sh-rsj"]
    assert when("/morning") == [local(20, 9), local(21, 9)]
    assert when("/") == [local(20, 18)]  # ntfy posts to its root

    morning_first, morning_second = [body for _, p, body in arrivals if p == "/morning"]
    assert morning_first["title"] == "regwatch 变更汇总（5 条）"
    assert _titles(morning_first["message"]) == [
        "政策1号",
        "政策3号",
        "政策5号",
        "政策2号",
        "政策4号",
    ]
    sections = _sections(morning_first["message"])
    assert sections == {CQ: ["政策1号", "政策3号", "政策5号"], SH: ["政策2号", "政策4号"]}
    # Sources in the order of their first change since the last digest.
    assert _sections(morning_second["message"]) == {
        SH: ["政策6号", "政策8号", "政策10号"],
        CQ: ["政策7号", "政策9号"],
    }
    assert list(_sections(morning_second["message"])) == [SH, CQ]

    [evening] = [body for _, p, body in arrivals if p == "/"]
    assert evening["title"] == "regwatch 变更汇总（9 条）"
    assert f"**{CQ} · 5 条**" in evening["message"]
    assert re.search(
        r"- \[【修改】政策1号\]\(https://example\.gov\.cn/cq-ybj/t1\.html\)", evening["message"]
    )

    # The 20:30 event still waits for the next evening digest; the rest are delivered.
    evening_rows = [r for r in world.rows() if r.subscription_id == "evening"]
    assert [r.status for r in evening_rows].count(DIGEST) == 1
    assert [r.status for r in evening_rows].count(DELIVERED) == 9
    digest_ids = {r.digest_id for r in world.rows() if r.subscription_id == "morning"}
    assert len(digest_ids) == 2
    assert all(len(world.attempts(r.id)) == 1 for r in world.rows() if r.status == DELIVERED)


def _titles(message: str) -> list[str]:
    return re.findall(r"【修改】(政策\d+号)", message)


def _sections(message: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for block in message.split("\n\n")[1:]:
        heading, *items = block.splitlines()
        name = heading.rsplit(" · ", 1)[0]
        out[name] = [t for item in items for t in _titles(item)]
    return out


@pytest.mark.parametrize(
    ("text", "at", "expected_next", "expected_last"),
    [
        ("daily@09:00", local(20, 8, 59), local(20, 9), local(19, 9)),
        ("daily@09:00", local(20, 9), local(20, 9), local(20, 9)),
        ("daily@09:00", local(20, 9, 1), local(21, 9), local(20, 9)),
        # 2026-05-20 is a Wednesday.
        ("weekly@mon 08:30", local(20, 12), local(25, 8, 30), local(18, 8, 30)),
        ("weekly@wed 18:00", local(20, 17), local(20, 18), local(13, 18)),
    ],
)
def test_digest_slots_are_read_in_the_configured_zone(text, at, expected_next, expected_last):
    digest = Digest.parse(text)
    assert next_slot(digest, at, "Asia/Shanghai") == expected_next
    assert last_slot(digest, at, "Asia/Shanghai") == expected_last


def test_digest_slot_in_a_zone_with_daylight_saving():
    digest = Digest.parse("daily@09:00")
    # Europe/Berlin switches to summer time on 2026-03-29: 09:00 is 08:00 UTC before, 07:00 after.
    before = next_slot(digest, datetime(2026, 3, 28, 12, tzinfo=UTC), "Europe/Berlin")
    assert before == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)
    assert next_slot(digest, datetime(2026, 3, 27, 12, tzinfo=UTC), "Europe/Berlin") == datetime(
        2026, 3, 28, 8, 0, tzinfo=UTC
    )
