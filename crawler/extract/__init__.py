"""Extraction: the clean text and metadata of a policy page. Pure: bytes and URL in, no I/O.

``extract(body, url)`` decodes the page (``decode_html``), finds the body in a known CMS
container (TRS, Hanweb, Kaipu UCAP, gov.cn, VSB, Founder markers …) or falls back to trafilatura
with readability-lxml as a second opinion, strips page furniture and link farms, and reads the
metadata from the most reliable source available. The text has one paragraph per line; a table
row is one line with its non-empty cells joined by a TAB.

Per-site boilerplate learning is split between storage and this package: count the lines of
``boilerplate_lines(doc.text)`` per site over pages extracted *without* a ``boilerplate``
argument (otherwise learnt lines vanish from the counts and come back), and pass the lines that
recur on many pages as ``extract(..., boilerplate=lines)``. Lines shaped like policy content
(numbered articles, sentences, dates, signatures) are never candidates and never stripped.
"""

from crawler.extract.attachments import extract_attachment_text
from crawler.extract.clean import boilerplate_lines, strip_boilerplate
from crawler.extract.core import extract
from crawler.extract.decode import decode_html
from crawler.extract.model import Attachment, PolicyDocument
from crawler.extract.soft404 import is_soft_404

__all__ = [
    "Attachment",
    "PolicyDocument",
    "boilerplate_lines",
    "decode_html",
    "extract",
    "extract_attachment_text",
    "is_soft_404",
    "strip_boilerplate",
]
