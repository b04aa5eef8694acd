"""Scrapy's downloader, with the per-domain concurrency limit kept when there is no delay.

With `DOWNLOAD_DELAY = 0`, Scrapy 2.19 drains a slot's whole queue in one pass: each request
is only counted as transferring once its task runs, so `free_transfer_slots()` never drops and a
domain limited to 3 gets every queued request at once (tests/test_crawl_concurrency.py saw 16
in flight). A delay floor hides the bug but caps a slot at one request per event-loop turn,
which cost ~0.8 s of a 5.6 s unchanged re-crawl of the 2,000-page bench site. Here a request is
counted the moment it is dispatched; Scrapy's own `_download` adds it to the same set again (a
no-op) and removes it when the response is in, so nothing else changes.
"""

from __future__ import annotations

from time import monotonic

from scrapy.core.downloader import Downloader, Slot
from scrapy.utils.defer import _schedule_coro


class SlotLimitedDownloader(Downloader):
    def _process_queue(self, slot: Slot) -> None:
        if slot.latercall or slot.download_delay():
            super()._process_queue(slot)
            return
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = monotonic()
            request, queue_dfd = slot.queue.popleft()
            slot.transferring.add(request)
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
