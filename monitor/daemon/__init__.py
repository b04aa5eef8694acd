"""`regwatch run`: sources crawled on their schedules, politely, one crawl process per batch.

plan (pure scheduling rules) · runner (crawl processes) · child (the crawl process itself) ·
service (the daemon's decisions) · run (signals, lock, main loop) · lock · status · cli.
"""
