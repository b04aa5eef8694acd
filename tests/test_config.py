"""Config errors are caught at load time with one line naming file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.loader import ConfigError, load_config, parse_config

GOOD = """\
database: sqlite:///x.db
sources:
  - id: cq-ybj
    name: 重庆市医疗保障局
    listing: [https://example.gov.cn/zcwj/index.html]
    schedule: every 6h
subscriptions:
  - id: hr
    notify: ["json://127.0.0.1:9/hook", "mailto://u:${SMTP_PASSWORD}@example.com"]
    sources: [cq-ybj]
    digest: weekly@mon 09:30
"""


def test_good_config_loads_and_records_secrets() -> None:
    loaded = parse_config(GOOD, env={"SMTP_PASSWORD": "s3cret-pw"})
    config = loaded.config
    assert config.sources[0].schedule.interval is not None
    assert config.sources[0].schedule.interval.total_seconds() == 6 * 3600
    assert config.subscriptions[0].digest is not None
    assert config.subscriptions[0].digest.weekday == 0
    assert "s3cret-pw" in config.subscriptions[0].notify[1]
    assert loaded.secrets == {"s3cret-pw"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD.replace("schedule: every 6h", "schedul: every 6h"), ":6: sources[0].schedul: unknown key"),
        (GOOD.replace("https://example.gov.cn", "ftp://example.gov.cn"), ":5: sources[0].listing[0]: not an http(s) URL"),
        (GOOD, ":9: subscriptions[0].notify[1]: environment variable SMTP_PASSWORD is not set"),
        (GOOD.replace("every 6h", "every now and then"), ":6: sources[0].schedule: not 'every"),
        (GOOD.replace("sources: [cq-ybj]", "sources: [nope]"), ":10: subscriptions[0].sources[0]: unknown source 'nope'"),
        (GOOD.replace("json://", "nosuchscheme://"), ":9: subscriptions[0].notify[0]: not a usable Apprise URL"),
        (GOOD.replace("weekly@mon 09:30", "weekly@09:30"), ":11: subscriptions[0].digest:"),
        (GOOD.replace("  - id: cq-ybj", "  - id: CQ YBJ"), ":3: sources[0].id: not a slug"),
        ("sources: [\n", ": not valid YAML"),
    ],
)  # fmt: skip
def test_bad_config_names_line_and_key(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        env = {} if "SMTP_PASSWORD" in expected else {"SMTP_PASSWORD": "pw"}
        parse_config(text, path=Path("regwatch.yaml"), env=env)
    message = str(info.value)
    assert message.startswith("regwatch.yaml"), message
    assert expected in message, message
    assert "\n" not in message


def test_check_config_exits_nonzero_with_one_line(cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD, encoding="utf-8")
    result = cli("--config", str(bad), "check-config", check=False)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "SMTP_PASSWORD" in lines[0] and str(bad) in lines[0]

    cli.env["SMTP_PASSWORD"] = "pw"
    ok = cli("--config", str(bad), "check-config")
    assert "1 sources, 1 subscriptions" in ok.stdout


def test_shipped_configs_are_valid() -> None:
    root = Path(__file__).resolve().parents[1] / "config"
    assert load_config(root / "regwatch.yaml").config.sources
