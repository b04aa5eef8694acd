"""A simulated Chinese government website for demos, end-to-end tests and benchmarks.

`SimSite` serves hand-written policies in three real CMS templates and lets tests publish,
edit, move, remove and dirty pages between crawls; `GeneratedSite` renders any number of
seeded pages on demand for benchmarks. Both run a local HTTP server (context managers).
"""

from crawler.simsite.generated import GeneratedSite
from crawler.simsite.server import DEFAULT_ROBOTS, Reply, RequestRecord, SimServer
from crawler.simsite.site import Gold, GoldAttachment, SimSite

__all__ = [
    "DEFAULT_ROBOTS",
    "GeneratedSite",
    "Gold",
    "GoldAttachment",
    "Reply",
    "RequestRecord",
    "SimServer",
    "SimSite",
]
