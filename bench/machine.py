"""The machine and software a result was measured on, for RESULTS.md."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import psutil
from proctree import MB


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def git_revision(root: Path) -> str:
    out = subprocess.run(
        ["git", "-C", str(root), "describe", "--always", "--dirty"], capture_output=True, text=True
    )
    return out.stdout.strip() or "unknown"


def describe(root: Path, peer: str | None = None) -> dict[str, Any]:
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / MB / 1024, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": sys.version.split()[0],
        "regwatch": git_revision(root),
        "scrapy": version("scrapy"),
        "twisted": version("twisted"),
        "sqlalchemy": version("sqlalchemy"),
        "lxml": version("lxml"),
        "trafilatura": version("trafilatura"),
        "zstandard": version("zstandard"),
        "urlwatch": peer or "not run",
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
