"""urlwatch 2.29, the peer: its own virtualenv, its jobs for the bench site, one measured run.

urlwatch runs its jobs on a fixed pool of 10 threads (urlwatch.worker.MAX_WORKERS) and asks
conditionally (If-None-Match from its cache, If-Modified-Since from the last run's time). Each
job keeps the article container (`css`) and turns it into text (`html2text`), as in issue 7.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from proctree import Measured, run_measured

VERSION = "2.29"
PACKAGES = [f"urlwatch=={VERSION}", "lxml", "cssselect", "html2text"]
DEFAULT_VENV = Path(__file__).resolve().parent / ".peer-venv"
_VERB = re.compile(r"^(NEW|CHANGED|ERROR): ", re.MULTILINE)


def urlwatch_bin(venv: Path) -> Path:
    return venv / "bin" / "urlwatch"


def ensure_peer(venv: Path, *, install: bool) -> Path:
    """The urlwatch executable, installing it into `venv` first when asked to."""
    exe = urlwatch_bin(venv)
    if exe.exists():
        return exe
    if not install:
        raise SystemExit(
            f"urlwatch not found at {exe}; run with --install-peer, or:\n"
            f"  python -m venv {venv} && {venv}/bin/pip install {' '.join(PACKAGES)}"
        )
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", *PACKAGES], check=True)
    return exe


def peer_version(venv: Path) -> str:
    out = subprocess.run([str(urlwatch_bin(venv)), "--version"], capture_output=True, text=True)
    return out.stdout.strip() or out.stderr.strip()


class Peer:
    """One urlwatch installation with a job file, config and cache of its own in `workdir`."""

    def __init__(self, venv: Path, workdir: Path) -> None:
        self.exe = urlwatch_bin(venv)
        self.workdir = workdir
        self.urls = workdir / "urls.yaml"
        self.config = workdir / "urlwatch.yaml"
        self.cache = workdir / "cache.db"
        workdir.mkdir(parents=True, exist_ok=True)

    def write_jobs(self, urls: list[str], containers: dict[str, str]) -> None:
        jobs = []
        for i, url in enumerate(urls):
            css = next(sel for prefix, sel in containers.items() if url.startswith(prefix))
            jobs.append({"name": f"page {i}", "url": url, "filter": [{"css": css}, "html2text"]})
        self.urls.write_text(yaml.safe_dump_all(jobs, allow_unicode=True), encoding="utf-8")
        config: dict[str, Any] = {"report": {"stdout": {"enabled": True, "color": False}}}
        self.config.write_text(yaml.safe_dump(config), encoding="utf-8")

    def run(self) -> tuple[Measured, Counter[str]]:
        argv = [str(self.exe), "--urls", str(self.urls), "--config", str(self.config)]
        argv += ["--hooks", str(self.workdir / "hooks.py"), "--cache", str(self.cache)]
        # A home of its own: nothing read from or written to the user's urlwatch files.
        env = {**os.environ, "HOME": str(self.workdir), "XDG_CONFIG_HOME": str(self.workdir)}
        measured = run_measured(argv, env=env, cwd=self.workdir)
        if measured.returncode not in (0, 1):
            raise RuntimeError(f"urlwatch failed ({measured.returncode}):\n{measured.stderr}")
        return measured, verbs(measured.stdout)


def verbs(report: str) -> Counter[str]:
    """How many jobs urlwatch reported NEW, CHANGED or ERROR (its text report's headers)."""
    return Counter(m.group(1) for m in _VERB.finditer(report))
