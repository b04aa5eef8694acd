"""Run `regwatch` with extra Scrapy settings, to measure a setting before anyone adopts it.

    python bench/what_if.py CONCURRENT_ITEMS=1 [KEY=VALUE…] -- --config C --db D crawl

Values are read as JSON when they parse (1, true, "x"), else as strings. The settings are laid
over what `crawler.settings.scrapy_settings` returns; nothing else changes.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def parse_overrides(pairs: list[str]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for pair in pairs:
        key, _, raw = pair.partition("=")
        try:
            overrides[key] = json.loads(raw)
        except json.JSONDecodeError:
            overrides[key] = raw
    return overrides


def main() -> None:
    split = sys.argv.index("--")
    overrides = parse_overrides(sys.argv[1:split])
    import monitor.crawl
    from monitor.cli import app

    original = monitor.crawl.scrapy_settings

    def patched(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return {**original(*args, **kwargs), **overrides}

    monitor.crawl.scrapy_settings = patched  # type: ignore[assignment]
    app(sys.argv[split + 1 :], prog_name="regwatch")


if __name__ == "__main__":
    main()
