"""Run the simulated site in the foreground: `python -m crawler.simsite --port 8800`."""

from __future__ import annotations

import argparse
import contextlib
import threading

from crawler.simsite.content import ContentSite
from crawler.simsite.generated import GeneratedSite
from crawler.simsite.site import SimSite


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m crawler.simsite", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8800)
    parser.add_argument("--page-size", type=int, default=None, help="listing page size")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds held per response")
    parser.add_argument(
        "--generated", type=int, metavar="N", help="serve N generated pages (benchmark site)"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    common = {"host": args.host, "port": args.port, "delay": args.delay, "seed": args.seed}
    site: ContentSite
    if args.generated:
        site = GeneratedSite(args.generated, page_size=args.page_size or 20, **common)
    else:
        site = SimSite(page_size=args.page_size or 5, **common)
    with site:
        print(f"serving {site.base_url}/ (Ctrl-C to stop)")
        for site_id in site.site_ids:
            print(f"  {site_id}: {site.listing_url(site_id)}")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
