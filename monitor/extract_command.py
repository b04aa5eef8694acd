"""`regwatch extract`: the same pure extractor the crawler uses, on a file or one URL."""

from __future__ import annotations

import urllib.request
from pathlib import Path

from crawler.extract import PolicyDocument, extract


def run_extract(file_or_url: str, url: str | None = None) -> PolicyDocument:
    if file_or_url.startswith(("http://", "https://")):
        request = urllib.request.Request(file_or_url, headers={"User-Agent": "regwatch/0.1"})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
            content_type = response.headers.get("Content-Type")
            return extract(body, response.geturl(), content_type=content_type)
    path = Path(file_or_url)
    body = path.read_bytes()
    return extract(body, url or path.resolve().as_uri())
