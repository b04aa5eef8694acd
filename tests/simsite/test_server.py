"""HTTP behaviour a polite, caching crawler is tested against."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from email.utils import formatdate, parsedate_to_datetime

import httpx
import pytest

from crawler.simsite import SimSite


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached before deadline")
        time.sleep(0.005)


def test_etag_conditional_get_answers_304(site: SimSite, client: httpx.Client) -> None:
    url = site.policy_url("ybj-mzgj")
    first = client.get(url)
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    last = site.requests[-1]
    assert (last.status, last.if_none_match, last.if_modified_since) == (304, True, False)


def test_last_modified_conditional_get(site: SimSite, client: httpx.Client) -> None:
    url = site.policy_url("gjj-lhjy")
    first = client.get(url)
    modified = first.headers["Last-Modified"]
    assert parsedate_to_datetime(modified).year == 2022  # the publication time, first version
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    earlier = formatdate(parsedate_to_datetime(modified).timestamp() - 86400, usegmt=True)
    assert client.get(url, headers={"If-Modified-Since": earlier}).status_code == 200


def test_edit_changes_validators(site: SimSite, client: httpx.Client) -> None:
    url = site.policy_url("ybj-mzgj")
    first = client.get(url)
    site.edit("ybj-mzgj", "起付标准为每个自然年度200元", "起付标准为每个自然年度100元")
    after = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != first.headers["ETag"]
    assert parsedate_to_datetime(after.headers["Last-Modified"]) > parsedate_to_datetime(
        first.headers["Last-Modified"]
    )
    stale = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert stale.status_code == 200


def test_robots_txt_default_and_configurable(client: httpx.Client) -> None:
    with SimSite(robots_txt="User-agent: *\nDisallow: /rsj/\n") as s:
        body = client.get(s.url("/robots.txt")).text
        assert "Disallow: /rsj/" in body
    with SimSite() as s:
        assert "Allow: /" in client.get(s.url("/robots.txt")).text


def test_failure_injection_counts_down(site: SimSite, client: httpx.Client) -> None:
    url = site.policy_url("rsj-sbk")
    site.fail(url, 500, times=3)
    site.fail(url, 503, retry_after=7)
    statuses = [client.get(url) for _ in range(5)]
    assert [r.status_code for r in statuses] == [500, 500, 500, 503, 200]
    assert statuses[3].headers["Retry-After"] == "7"
    assert [r.status for r in site.requests] == [500, 500, 500, 503, 200]


def test_hang_holds_request_until_released(site: SimSite) -> None:
    url = site.policy_url("gjj-jcjs")
    site.hang(url)
    outcome: list[BaseException | int] = []

    def fetch() -> None:
        try:
            outcome.append(httpx.get(url, timeout=10).status_code)
        except httpx.HTTPError as exc:
            outcome.append(exc)

    worker = threading.Thread(target=fetch)
    worker.start()
    wait_until(lambda: site.in_flight("gjj") == 1)
    site.release_hangs()
    worker.join(timeout=5)
    assert isinstance(outcome[0], httpx.HTTPError)  # dropped without an answer
    assert site.requests[-1].status == 0
    assert httpx.get(url).status_code == 200


def test_peak_concurrency_is_tracked_per_prefix(client: httpx.Client) -> None:
    with SimSite(delay=0.15) as s:
        urls = [s.policy_url(p) for p in s.policy_ids("ybj")[:4]]
        for url in urls[:2]:
            client.get(url)
        assert s.peak_in_flight("ybj") == 1
        with ThreadPoolExecutor(4) as pool:
            assert all(r.status_code == 200 for r in pool.map(httpx.get, urls))
        assert s.peak_in_flight("ybj") >= 2
        assert s.peak_in_flight() >= s.peak_in_flight("ybj")
        assert s.peak_in_flight("rsj") == 0
        s.reset_peaks()
        assert s.peak_in_flight("ybj") == 0


def test_request_log_records_user_agent_and_method(site: SimSite, client: httpx.Client) -> None:
    url = site.listing_url("gjj")
    client.head(url, headers={"User-Agent": "regwatch-test/1"})
    record = site.requests[-1]
    assert (record.method, record.site, record.user_agent) == ("HEAD", "gjj", "regwatch-test/1")
    assert record.path == "/gjj/zhengce/index.htm"


@pytest.mark.parametrize("path", ["/nope.html", "/ybj/nope/t20220101_1.shtml"])
def test_unknown_paths_are_404(site: SimSite, client: httpx.Client, path: str) -> None:
    assert client.get(site.url(path)).status_code == 404
