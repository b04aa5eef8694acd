"""robots.txt handling that holds every early request until the rules are known.

Scrapy 2.14+ shares one Deferred among the requests that arrive while robots.txt is still being
downloaded; the first waiter's callback consumes the parser and the others receive None, which
means "allow everything". Each waiter here gets its own Deferred, relayed from the shared one.
"""

from __future__ import annotations

from typing import Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as _ScrapyRobots
from scrapy.http import Request
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class RobotsTxtMiddleware(_ScrapyRobots):
    async def robot_parser(self, request: Request) -> RobotParser | None:
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if isinstance(pending, Deferred):
            waiter: Deferred[RobotParser | None] = Deferred()

            def relay(result: Any) -> Any:
                waiter.callback(result)
                return result

            pending.addBoth(relay)
            return await maybe_deferred_to_future(waiter)
        return await super().robot_parser(request)
