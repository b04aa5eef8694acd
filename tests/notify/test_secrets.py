"""Acceptance 6: secrets from the config never reach logs, command output or stored errors."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import select

from monitor.notify.cli import dispatch, notify_test, show_outbox
from monitor.redaction import MASK, install_redaction, redact_url, url_secrets
from storage.models import DeliveryAttempt, Outbox

ROOT = Path(__file__).resolve().parents[2]
HOOK_TOKEN = "hk-5c1e9a77d2b04f"
LITERAL_KEY = "a1b2c3d4-e5f6-7788-9900-aabbccddeeff"


def _config(smtp, http, closed_port: int) -> str:
    hook = http.url("json", "/hook/${HOOK_TOKEN}")
    return f"""
subscriptions:
  - id: hr-team
    notify:
      - "{smtp.url()}"
      - "{hook}"
  - id: broken
    notify:
      - "mailto://regwatch:${{SMTP_PASSWORD}}@127.0.0.1:{closed_port}?mode=insecure&from=a@example.com&to=b@example.com"
      - "wecombot://{LITERAL_KEY}"
"""


def test_secrets_stay_out_of_logs_output_and_the_database(
    make_world, smtp, http, caplog, capsys, monkeypatch
):
    monkeypatch.setenv("HOOK_TOKEN", HOOK_TOKEN)
    secrets = [smtp.password, HOOK_TOKEN, LITERAL_KEY]
    world = make_world(_config(smtp, http, _closed_port()))
    assert world.context.loaded.secrets >= {smtp.password, HOOK_TOKEN}
    # From here on everything is logged, Apprise's debug output included; the commands below
    # each load the config again, as a fresh process would.
    caplog.set_level(logging.DEBUG)
    out = io.StringIO()
    console = Console(file=out, width=200)

    # notify-test, then a crawl-side enqueue and a dispatch pass, then the outbox listing.
    assert notify_test(world.path, world.database_url, "hr-team", console=console) == 0
    assert notify_test(world.path, world.database_url, "broken", console=console) == 1
    world.add_event()
    assert dispatch(world.path, world.database_url, once=True) == 0
    assert show_outbox(world.path, world.database_url, console=console) == 0
    assert show_outbox(world.path, world.database_url, as_json=True) == 0

    # Code that logs a channel URL carelessly, with a traceback that carries it too.
    careless = logging.getLogger("careless.library")
    url = world.config.subscriptions[0].notify[1]
    try:
        raise RuntimeError(f"cannot post to {url}")
    except RuntimeError:
        careless.exception("posting to %s failed", url)

    printed = capsys.readouterr()
    texts = {
        "logs": caplog.text,
        "messages": "\n".join(r.getMessage() for r in caplog.records),
        "console": out.getvalue(),
        "stdout": printed.out,
        "stderr": printed.err,
        "stored": _stored_text(world),
    }
    for where, text in texts.items():
        for secret in secrets:
            assert secret not in text, f"a secret leaked into {where}"

    # The checks looked at real material: deliveries happened, failures were logged.
    assert len(smtp.messages) == 2  # test message + alert
    assert len(http.delivered()) == 2
    assert "posting to json://127.0.0.1" in texts["logs"] and MASK in texts["logs"]
    assert "Traceback" in texts["logs"]
    assert "mailto://regwatch:****@127.0.0.1" in texts["console"]
    assert "FAILED" in texts["console"]
    assert '"channel": "json://127.0.0.1' in printed.out
    assert any(r.name.startswith("apprise") for r in caplog.records)


def test_commands_in_a_real_process_print_no_secret(make_world, smtp, http, monkeypatch):
    monkeypatch.setenv("HOOK_TOKEN", HOOK_TOKEN)
    world = make_world(_config(smtp, http, _closed_port()))
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGWATCH_")}
    env.update(PYTHONPATH=str(ROOT), COLUMNS="200", NO_COLOR="1")
    outputs = []
    locations = ["--config", str(world.path), "--db", world.database_url]
    for args in (
        ["notify-test", "broken"],
        ["notify-test", "hr-team"],
        ["dispatch", "--once"],
        ["outbox"],
        ["outbox", "--json"],
    ):
        if args[0] == "dispatch":
            world.add_event()
        result = subprocess.run(
            [sys.executable, "-m", "monitor.notify", *args, *locations],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        outputs.append(result.stdout + result.stderr)
    combined = "\n".join(outputs)
    for secret in (smtp.password, HOOK_TOKEN, LITERAL_KEY):
        assert secret not in combined
    assert "delivered to" in combined  # the dispatcher's own log lines were printed
    assert "mailto://regwatch:****@127.0.0.1" in combined


def _stored_text(world) -> str:
    with world.db.read() as session:
        rows = list(session.scalars(select(Outbox)))
        attempts = list(session.scalars(select(DeliveryAttempt)))
    parts = [f"{r.channel_label} {r.last_error}" for r in rows]
    parts += [str(a.error) for a in attempts]
    return "\n".join(parts)


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("url", "hidden"),
    [
        ("mailtos://user:Sup3rSecret@smtp.example.com", "Sup3rSecret"),
        (f"wecombot://{LITERAL_KEY}", LITERAL_KEY),
        ("dingtalk://abcdef0123456789abcdef/?secret=SEC0123456789abcdef", "SEC0123456789abcdef"),
        ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ", "TIiajkdnlazkcOXrIdevi7FQ"),
    ],
)
def test_redact_url_hides_what_apprise_knows_is_secret(url, hidden):
    label = redact_url(url)
    assert hidden not in label
    assert label.split("://")[0] == url.split("://")[0]
    assert hidden in url_secrets(url)


@pytest.mark.parametrize("url", ["", "not a url", "nosuchscheme://user:pw123456@host", "::::"])
def test_redact_url_never_raises_nor_echoes(url):
    label = redact_url(url)
    assert label.endswith(MASK)
    assert "pw123456" not in label


def test_installed_secrets_also_mask_labels_of_generic_webhooks():
    token = "wh-0f1e2d3c4b5a"
    install_redaction([token])
    assert token not in redact_url(f"json://hooks.example.com/notify/{token}")
