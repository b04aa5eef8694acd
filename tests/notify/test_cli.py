"""`regwatch outbox [--pending|--dead] [--json]`, `outbox retry ID|--all-dead`, `notify-test`."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from monitor.notify import DEAD, DELIVERED, PENDING
from monitor.notify.__main__ import app

RUNNER = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})


def _run(world, *args: str, where: str = "after"):
    locations = ["--config", str(world.path), "--db", world.database_url]
    # where="before": `outbox --config … --db … retry …`, options on the group.
    before = where == "before"
    argv = [args[0], *locations, *args[1:]] if before else [*args, *locations]
    return RUNNER.invoke(app, argv)


def _lines(result) -> list[dict]:
    return [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]


def test_outbox_listing_and_retry(make_world, http):
    http.always_fail.add("/down")
    world = make_world(
        f"""
notifications:
  max_attempts: 1
subscriptions:
  - id: ops
    notify: ["{http.url("json", "/up")}", "{http.url("json", "/down")}"]
"""
    )
    world.add_event(title="门诊办法")
    assert _run(world, "dispatch", "--once").exit_code == 0

    everything = _lines(_run(world, "outbox", "--json"))
    assert sorted(r["status"] for r in everything) == [DEAD, DELIVERED]
    assert {r["title"] for r in everything} == {"门诊办法"}
    [dead] = _lines(_run(world, "outbox", "--dead", "--json"))
    assert dead["channel"].startswith("json://127.0.0.1") and "500" in dead["last_error"]
    assert _lines(_run(world, "outbox", "--pending", "--json")) == []

    table = _run(world, "outbox", "--dead")
    assert table.exit_code == 0
    assert "dead" in table.output and "gave up after 1 attempts" in table.output

    delivered = next(r for r in everything if r["status"] == DELIVERED)
    refused = _run(world, "outbox", "retry", str(delivered["id"]))
    assert refused.exit_code == 1 and "delivered already" in refused.output
    assert _run(world, "outbox", "retry").exit_code == 2

    revived = _run(world, "outbox", "retry", "--all-dead", where="before")
    assert revived.exit_code == 0 and "requeued 1" in revived.output
    [waiting] = _lines(_run(world, "outbox", "--pending", "--json"))
    assert (waiting["id"], waiting["status"], waiting["attempts"]) == (dead["id"], PENDING, 0)


def test_notify_test_reports_each_channel(make_world, http):
    http.always_fail.add("/down")
    world = make_world(
        f"""
subscriptions:
  - id: ops
    notify: ["{http.url("json", "/up")}", "{http.url("json", "/down")}"]
"""
    )
    result = _run(world, "notify-test", "ops")
    assert result.exit_code == 1
    assert result.output.count("json://127.0.0.1") == 2
    assert "ok" in result.output and "FAILED" in result.output
    [test_post] = http.delivered("/up")
    assert test_post.json()["title"] == "regwatch 测试消息"

    unknown = _run(world, "notify-test", "nobody")
    assert unknown.exit_code == 2 and "unknown subscription 'nobody'" in unknown.output
