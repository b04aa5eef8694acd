"""Acceptance 1 and 2: real delivery to local SMTP and HTTP servers, retries with back-off."""

from __future__ import annotations

from datetime import timedelta

from monitor.notify import DEAD, DELIVERED, PENDING, enqueue
from storage.models import Event


def test_event_for_two_subscriptions_and_three_channels_is_delivered_once_each(
    make_world, smtp, http, wait
):
    world = make_world(
        f"""
notifications:
  base_url: https://regwatch.example.org
subscriptions:
  - id: hr-team
    notify:
      - "{smtp.url()}"
      - "{http.url("json", "/hook")}"
    sources: [cq-ybj]
    keywords: [门诊]
  - id: benefits
    notify: ["{http.url("ntfy", "/alerts", "?format=markdown")}"]
    regions: [重庆]
"""
    )
    event_id, created = world.add_event()
    assert created == 3
    assert len(world.rows(event_id)) == 3

    # Enqueueing the same event again (a re-run of the ingest) creates nothing.
    with world.db.write() as session:
        event = session.get(Event, event_id)
        assert enqueue(session, event, world.config) == 0
    assert len(world.rows(event_id)) == 3

    stats = world.dispatcher().run_once()
    assert (stats.claimed, stats.delivered, stats.failed) == (3, 3, 0)

    # Email: an HTML part with the coloured diff of the two snapshots.
    wait(lambda: smtp.messages)
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert "门诊共济保障实施办法" in str(message["Subject"])
    assert smtp.logins == ["regwatch"]
    html = smtp.html()
    assert "1200" in html and "1000" in html
    assert "<del" in html and "<ins" in html and "background:#dafbe1" in html
    assert "重庆市医疗保障局" in html and "重庆市" in html
    assert f"https://regwatch.example.org/changes/{event_id}" in html

    # json://: plain text, title and body as Apprise posts them.
    [hook] = http.received("/hook")
    payload = hook.json()
    assert payload["title"].startswith("【修改】")
    assert "第十二条" in payload["message"] and "1000元" in payload["message"]
    assert "**" not in payload["message"]

    # ntfy with ?format=markdown: Apprise marks the post as Markdown, and it is.
    [alert] = http.received("/")
    assert alert.headers.get("X-Markdown") == "yes"
    markdown = alert.json()["message"]
    assert "**变更摘要**" in markdown and "~~1200~~**1000**" in markdown
    assert f"[https://regwatch.example.org/changes/{event_id}]" in markdown

    rows = world.rows(event_id)
    assert {row.status for row in rows} == {DELIVERED}
    assert all(row.delivered_at is not None and row.attempts == 1 for row in rows)
    assert all(len(world.attempts(row.id)) == 1 for row in rows)

    # Nothing is sent twice.
    assert world.dispatcher().run_once().claimed == 0
    assert len(smtp.messages) == 1 and len(http.received()) == 2


def test_failing_webhook_retries_with_backoff_while_email_goes_at_once(
    make_world, smtp, http, clock
):
    http.fail_first["/hook"] = 3
    world = make_world(
        f"""
notifications:
  backoff_base: 30s
  backoff_max: 1h
subscriptions:
  - id: hr-team
    notify: ["{smtp.url()}", "{http.url("json", "/hook")}"]
"""
    )
    event_id, _ = world.add_event(at=clock.now)
    dispatcher = world.dispatcher(clock)

    stats = dispatcher.run_once()
    assert (stats.delivered, stats.failed) == (1, 1)
    assert len(smtp.messages) == 1
    email_row, hook_row = world.rows(event_id)
    assert email_row.status == DELIVERED
    assert hook_row.status == PENDING and "500" in (hook_row.last_error or "")

    # Each retry waits base·2^(n-1), half of it fixed and half random, then goes out once.
    for attempt in range(1, 4):
        hook_row = world.rows(event_id)[1]
        delay = hook_row.next_attempt_at - clock.now
        full = timedelta(seconds=30 * 2 ** (attempt - 1))
        assert full / 2 <= delay <= full, (attempt, delay)
        clock.now = hook_row.next_attempt_at - timedelta(seconds=1)
        assert dispatcher.run_once().claimed == 0
        assert len(http.received("/hook")) == attempt
        clock.now = hook_row.next_attempt_at
        assert dispatcher.run_once().claimed == 1
        assert len(http.received("/hook")) == attempt + 1

    email_row, hook_row = world.rows(event_id)
    assert hook_row.status == DELIVERED and hook_row.attempts == 4
    attempts = world.attempts(hook_row.id)
    assert [a.ok for a in attempts] == [False, False, False, True]
    assert all("500" in (a.error or "") for a in attempts[:3])
    assert len(world.attempts(email_row.id)) == 1
    assert len(smtp.messages) == 1
    assert len(http.delivered("/hook")) == 1


def test_dead_webhook_never_blocks_email_and_is_retried_on_request(make_world, smtp, http, clock):
    http.always_fail.add("/dead")
    world = make_world(
        f"""
notifications:
  max_attempts: 3
  backoff_base: 10s
subscriptions:
  - id: hr-team
    notify: ["{http.url("json", "/dead")}", "{smtp.url()}"]
"""
    )
    dispatcher = world.dispatcher(clock)
    first, _ = world.add_event(at=clock.now)
    for _ in range(5):
        dispatcher.run_once()
        clock.now += timedelta(minutes=10)
    hook_row, email_row = world.rows(first)
    assert email_row.status == DELIVERED
    assert hook_row.status == DEAD and hook_row.attempts == 3
    assert "gave up after 3 attempts" in (hook_row.last_error or "")
    assert "500" in (hook_row.last_error or "")
    assert len(http.received("/dead")) == 3

    # A later alert still reaches email at once, the dead channel notwithstanding.
    second, _ = world.add_event(at=clock.now)
    dispatcher.run_once()
    assert len(smtp.messages) == 2
    assert world.rows(second)[1].status == DELIVERED

    # `outbox retry ID` gives the dead row a fresh budget; it goes once the endpoint is back.
    from monitor.notify.cli import retry_outbox

    http.always_fail.clear()
    assert retry_outbox(world.path, world.database_url, outbox_id=hook_row.id) == 0
    revived = world.rows(first)[0]
    assert revived.status == PENDING and revived.attempts == 0
    clock.now = max(clock.now, revived.next_attempt_at)
    dispatcher.run_once()
    assert world.rows(first)[0].status == DELIVERED
    assert [p.json()["title"] for p in http.delivered("/dead")].count(
        "【修改】门诊共济保障实施办法（第1号）"
    ) == 1


def test_long_alert_is_cut_to_each_services_limit(make_world, http, policy_text):
    world = make_world(
        f"""
notifications:
  excerpt_chars: 50000  # let the services' limits, not the excerpt bound, do the cutting
subscriptions:
  - id: chat
    notify:
      - "{http.url("ntfy", "/chat", "?format=markdown")}"
      - "{http.url("mmost", "/token123")}"
      - "{http.url("json", "/hook")}"
"""
    )
    _, created = world.add_event(old_text=policy_text(1200, 90), new_text=policy_text(1000, 90))
    assert created == 3
    assert world.dispatcher().run_once().delivered == 3

    # ntfy (Markdown): Apprise turns a JSON body over 8000 bytes into a file attachment; the
    # message was cut so that it stays a message, with balanced marks and the pointer kept.
    [ntfy] = http.received("/")
    message = ntfy.json()["message"]
    assert ntfy.headers.get("X-Markdown") == "yes"
    assert 6000 < len(ntfy.body) <= 8000
    assert message.count("**") % 2 == 0 and message.count("~~") % 2 == 0
    assert "另有" in message
    assert message.rstrip().endswith("regwatch diff https://example.gov.cn/cq-ybj/t1.html`")

    # Mattermost: no title field, so Apprise puts the title in the 4000-character text.
    [mattermost] = http.received("/hooks/token123")
    text = mattermost.json()["text"]
    assert 3500 < len(text) <= 4000
    assert text.startswith("【修改】门诊共济保障实施办法")
    assert text.rstrip().endswith("regwatch diff https://example.gov.cn/cq-ybj/t1.html")

    # A generic webhook takes 32768 characters: this diff fits whole.
    [hook] = http.received("/hook")
    body = hook.json()["message"]
    assert 8000 < len(body) <= 32768 and "第九十条" in body and "另有" not in body
