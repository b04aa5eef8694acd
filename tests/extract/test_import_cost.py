"""What a process pays for importing the extractor and extracting known templates: no OpenCC
dictionaries, no trafilatura / readability-lxml, no charset detector."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from crawler.extract import zh

CORPUS = Path(__file__).parent / "corpus"
HEAVY = ("opencc", "trafilatura", "readability", "charset_normalizer", "lxml.html")
_SCRIPT = """
import json, sys
from pathlib import Path
heavy = {heavy!r}
import crawler.extract
loaded = {{"import": [m for m in heavy if m in sys.modules]}}
for path in sorted(Path({corpus!r}).glob("*.html")):
    gold = json.loads(path.with_name(path.name[:-5] + ".gold.json").read_text(encoding="utf-8"))
    if gold["method"] != "trafilatura":
        crawler.extract.extract(path.read_bytes(), gold["url"], content_type=gold.get("content_type"))
loaded["known templates"] = [m for m in heavy if m in sys.modules]
print(json.dumps(loaded))
"""


def test_import_and_known_templates_load_no_heavy_module() -> None:
    script = _SCRIPT.format(heavy=HEAVY, corpus=str(CORPUS))
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(done.stdout) == {"import": [], "known templates": []}


def test_frozen_variants_are_opencc_s() -> None:
    """The frozen table says what OpenCC (and the extras) say, character by character."""
    assert len(zh._FROZEN) > 300
    wrong = {c: v for c, v in zh._FROZEN.items() if v != zh.traditional_variants(c)}
    assert wrong == {}


def test_unfrozen_character_is_looked_up() -> None:
    """A character outside the table still gets its Traditional forms (OpenCC, built then)."""
    assert "里" not in zh._FROZEN
    assert zh.tc("里") == "[裏裡里]"
