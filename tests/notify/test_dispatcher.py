"""Dispatcher edge cases: claims left by other hosts, stop requests, vanished channels."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from config.loader import load_config
from monitor.notify import DEAD, DELIVERED, PENDING, SENDING
from monitor.notify.channels import Channel, Target
from monitor.notify.dispatcher import INTERRUPTED, Dispatcher
from storage.models import Outbox


def _one_channel(http) -> str:
    return f"""
subscriptions:
  - id: ops
    notify: ["{http.url("json", "/hook")}"]
"""


def test_a_claim_from_another_host_is_taken_back_after_the_lease(make_world, http, clock):
    world = make_world(_one_channel(http))
    event_id, _ = world.add_event(at=clock.now)
    [row] = world.rows(event_id)
    with world.db.write() as session:
        session.execute(
            update(Outbox)
            .where(Outbox.id == row.id)
            .values(status=SENDING, claimed_at=clock.now, claimed_by="elsewhere:4242:1.00:abcd")
        )
    dispatcher = world.dispatcher(clock, lease=timedelta(minutes=5))

    # Its owner may still be sending: hands off until the lease has run out.
    clock.now += timedelta(minutes=4)
    assert dispatcher.run_once().claimed == 0
    assert dispatcher.seconds_until_due(cap=600) == 60
    clock.now += timedelta(minutes=1)
    stats = dispatcher.run_once()
    assert (stats.recovered, stats.delivered) == (1, 1)
    [row] = world.rows(event_id)
    assert row.status == DELIVERED and row.attempts == 2
    assert [(a.ok, a.error) for a in world.attempts(row.id)] == [(False, INTERRUPTED), (True, None)]
    assert len(http.received()) == 1


def test_stop_hands_back_claimed_rows_unsent(make_world, http, clock):
    world = make_world(_one_channel(http))
    ids = [world.add_event(at=clock.now)[0] for _ in range(3)]
    dispatcher = world.dispatcher(clock)
    dispatcher.stop()
    stats = dispatcher.run_once()
    assert (stats.claimed, stats.released, stats.delivered) == (3, 3, 0)
    for event_id in ids:
        [row] = world.rows(event_id)
        assert (row.status, row.attempts, row.claimed_by) == (PENDING, 0, None)
        assert world.attempts(row.id) == []
    assert http.received() == []
    assert world.dispatcher(clock).run_once().delivered == 3


def test_a_channel_gone_from_the_config_is_dead_with_a_visible_error(make_world, http, clock):
    world = make_world(_one_channel(http))
    event_id, _ = world.add_event(at=clock.now)
    # The subscription is edited away before the row is sent.
    world.path.write_text(world.path.read_text("utf-8").split("subscriptions:")[0], "utf-8")
    loaded = load_config(world.path)
    stats = Dispatcher(world.db, loaded, clock=clock).run_once()
    assert stats.dead == 1
    [row] = world.rows(event_id)
    assert row.status == DEAD
    assert "channel no longer in the config" in (row.last_error or "")
    assert http.received() == []


def test_an_alert_that_keeps_killing_its_dispatcher_ends_dead(make_world, http, clock):
    world = make_world(
        f"""
notifications:
  max_attempts: 3
{_one_channel(http)}"""
    )
    event_id, _ = world.add_event(at=clock.now)
    [row] = world.rows(event_id)
    # Two attempts already spent, and the last claim's process died while sending.
    with world.db.write() as session:
        session.execute(
            update(Outbox)
            .where(Outbox.id == row.id)
            .values(status=SENDING, attempts=2, claimed_at=clock.now, claimed_by="gone:1:1.00:x")
        )
    clock.now += timedelta(minutes=10)
    stats = world.dispatcher(clock).run_once()
    assert (stats.recovered, stats.claimed) == (1, 0)
    [row] = world.rows(event_id)
    assert row.status == DEAD and row.attempts == 3
    assert INTERRUPTED in (row.last_error or "") and "gave up after 3 attempts" in row.last_error
    assert http.received() == []


def test_byte_limited_services_are_measured_in_bytes():
    wecom = Target(Channel("s", 0, "wecombot://0123456789abcdef", "k", "wecombot://0...f"))
    chinese = "门诊" * 600  # 1200 characters, 3600 UTF-8 bytes
    assert wecom.max_body == 2048 and wecom.title_in_body
    assert wecom.excess("标题", chinese) > 1.7
    assert wecom.excess("标题", "门诊" * 300) <= 1.0
