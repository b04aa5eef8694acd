"""regwatch's whole pipeline on a generated site in three phases, optionally beside urlwatch.

    python bench/run.py [--pages 2000] [--peer urlwatch [--install-peer]] [--profile]

Phases: (1) first crawl of N policy pages; (2) unchanged re-crawl; (3) re-crawl after every
20th page was edited (5 %). Each crawl is one `regwatch crawl --queue-only` process (fetch →
extract → compare → store → outbox, what the daemon's crawl process does), followed by one
`regwatch dispatch --once` delivering the alerts to a local webhook, timed apart; with
`--peer urlwatch` each phase also runs urlwatch 2.29 on the same pages right after it, and then
both re-crawls are repeated `--rounds` times (tools in turn) for the medians the speed targets
use. Printed per phase and tool: wall time (process start to exit), pages/s (N / wall), peak RSS
of the process tree, store size (regwatch's SQLite database; urlwatch's cache), bytes added, and the
pages reported changed — which in phase 3 must be exactly the edited pages.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from subprocess import PIPE, Popen
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import peer as peer_mod
import regwatch_side as rw
from proctree import MB, file_size

from monitor.demo import AlertSink

HERE = Path(__file__).resolve().parent
PHASES = ("first crawl", "unchanged re-crawl", "5 % edited re-crawl")


@dataclass
class PhaseResult:
    tool: str
    phase: str
    wall: float
    pages_per_s: float
    peak_rss_mb: float
    store_bytes: int
    bytes_added: int
    changed: int
    statuses: dict[str, int]
    load: float
    """The machine's 1-minute load average when the run started: other work skews figures."""
    extra: dict[str, Any] = field(default_factory=dict)


class Site:
    """bench/serve_site.py in its own process."""

    def __init__(self, pages: int, seed: int) -> None:
        argv = [sys.executable, str(HERE / "serve_site.py"), "--pages", str(pages)]
        self.proc = Popen([*argv, "--seed", str(seed)], stdin=PIPE, stdout=PIPE, text=True)
        self.ready: dict[str, Any] = self._answer()

    def _answer(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the bench site exited")
        return dict(json.loads(line))

    def ask(self, command: str) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self._answer()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.ask_quit()

    def ask_quit(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("quit\n")
        self.proc.stdin.flush()
        self.proc.wait(timeout=30)


def paired_rounds(
    site: Site, peer: peer_mod.Peer, config: Path, db: Path, rounds: int, edit_every: int
) -> dict[str, Any]:
    """The re-crawls again, `rounds` times each, the two tools in turn on the same site state:
    one run on a shared 2-core machine is noise, so the targets take medians, and the ratio of
    each pair (run back to back, under the same load). Each edited round edits every k-th page
    anew; regwatch must report exactly those pages every time."""
    out: dict[str, Any] = {"rounds": rounds}
    for phase in PHASES[1:]:
        ours: list[float] = []
        theirs: list[float] = []
        exact = 0
        for _ in range(rounds):
            edited = site.ask(f"edit {edit_every}")["edited"] if phase == PHASES[2] else []
            before = rw.db_state(db)
            ours.append(rw.run_crawl(config, db).wall)
            changed = rw.events_since(db, before.max_event_id, "changed")
            exact += sorted(changed) == sorted(edited)
            theirs.append(peer.run()[0].wall)
        out[phase] = {
            "regwatch_wall": ours,
            "urlwatch_wall": theirs,
            "speed_ratios": [b / a for a, b in zip(ours, theirs, strict=True)],
            "exact_rounds": exact,
        }
    return out


def run_bench(args: argparse.Namespace) -> dict[str, Any]:
    workdir = (
        Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="run-", dir=_out()))
    )
    workdir.mkdir(parents=True, exist_ok=True)
    venv = Path(args.peer_venv)
    use_peer = args.peer == "urlwatch"
    if use_peer:
        peer_mod.ensure_peer(venv, install=args.install_peer)
    site = Site(args.pages, args.seed)
    sink = AlertSink()
    results: list[PhaseResult] = []
    checks: dict[str, Any] = {}
    timing: dict[str, Any] = {}
    try:
        ready = site.ready
        n = len(ready["urls"])
        config, db = workdir / "regwatch.yaml", workdir / "regwatch.db"
        rw.write_config(config, ready, discovery=args.discovery, sink_url=sink.url)
        peer = peer_mod.Peer(venv, workdir / "urlwatch") if use_peer else None
        if peer is not None:
            peer.write_jobs(ready["urls"], ready["containers"])
        edited: list[str] = []
        run_id = peer_size = 0
        for index, phase in enumerate(PHASES):
            if index == 2:
                edited = site.ask(f"edit {args.edit_every}")["edited"]
            before = rw.db_state(db)
            alerts_before = len(sink.received)
            site.ask("stats")
            profile = workdir / f"profile-phase{index + 1}.txt" if args.profile else None
            load = os.getloadavg()[0]
            measured = rw.run_crawl(config, db, profile, args.scrapy_set)
            delivery = rw.deliver(config, db)
            after = rw.db_state(db)
            counts = rw.crawl_counts(db, run_id)
            run_id = counts.pop("last_run_id")
            changed_urls = rw.events_since(db, before.max_event_id, "changed")
            events = {k: v - before.events.get(k, 0) for k, v in after.events.items()}
            results.append(
                PhaseResult(
                    tool="regwatch",
                    phase=phase,
                    wall=measured.wall,
                    pages_per_s=n / measured.wall,
                    peak_rss_mb=measured.peak_rss / MB,
                    store_bytes=after.size,
                    bytes_added=after.size - before.size,
                    changed=len(changed_urls),
                    statuses=site.ask("stats")["statuses"],
                    load=load,
                    extra={
                        "policy_pages": after.policy_pages,
                        "snapshots_added": after.snapshots - before.snapshots,
                        "bodies_added": after.blobs - before.blobs,
                        "body_bytes_added": after.blob_bytes - before.blob_bytes,
                        "events": {k: v for k, v in events.items() if v},
                        "alerts_delivered": len(sink.received) - alerts_before,
                        "delivery_wall": delivery.wall,
                        "crawl": counts,
                    },
                )
            )
            if index == 2:
                checks["edited"] = len(edited)
                checks["regwatch_exact"] = sorted(changed_urls) == sorted(edited)
            if peer is not None:
                site.ask("stats")
                load = os.getloadavg()[0]
                pm, verbs = peer.run()
                size = file_size(peer.cache)
                results.append(
                    PhaseResult(
                        tool="urlwatch",
                        phase=phase,
                        wall=pm.wall,
                        pages_per_s=n / pm.wall,
                        peak_rss_mb=pm.peak_rss / MB,
                        store_bytes=size,
                        bytes_added=size - peer_size,
                        changed=verbs.get("CHANGED", 0),
                        statuses=site.ask("stats")["statuses"],
                        load=load,
                        extra={"new": verbs.get("NEW", 0), "errors": verbs.get("ERROR", 0)},
                    )
                )
                peer_size = size
                if index == 2:
                    checks["urlwatch_changed"] = verbs.get("CHANGED", 0)
        if peer is not None and args.rounds:
            timing = paired_rounds(site, peer, config, db, args.rounds, args.edit_every)
    finally:
        site.close()
        sink.shutdown()
    return {
        "pages": n,
        "edit_every": args.edit_every,
        "discovery": args.discovery,
        "crawl_settings": rw.CRAWL_SETTINGS,
        "scrapy_set": args.scrapy_set,
        "workdir": str(workdir),
        "phases": [asdict(r) for r in results],
        "checks": checks,
        "timing": timing,
        "profiles": [str(workdir / f"profile-phase{i}.txt") for i in (1, 2, 3)]
        if args.profile
        else [],
    }


def _out() -> Path:
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    return out


def _mb(n: float) -> str:
    return f"{n / MB:.1f} MB"


def render(result: dict[str, Any]) -> str:
    """The figures as Markdown: one table per run, ratios, and the issue's targets."""
    phases = result["phases"]
    lines = [
        f"N = {result['pages']} policy pages, every {result['edit_every']}th edited in phase 3, "
        f"regwatch discovers pages via `{result['discovery']}`."
        + (f" What-if Scrapy settings: {result['scrapy_set']}." if result["scrapy_set"] else ""),
        "",
        "| phase | tool | wall s | pages/s | peak RSS MB | store MB | added MB | changed "
        "| site answers | load | notes |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---:|---|",
    ]
    for p in phases:
        statuses = " ".join(f"{k}×{v}" for k, v in p["statuses"].items())
        extra = p["extra"]
        if p["tool"] == "regwatch":
            notes = (
                f"pages={extra['policy_pages']} snapshots+{extra['snapshots_added']} "
                f"bodies+{extra['bodies_added']} ({_mb(extra['body_bytes_added'])}) "
                f"events={extra['events'] or '{}'} alerts={extra['alerts_delivered']} "
                f"delivered in {extra['delivery_wall']:.1f} s"
            )
        else:
            notes = f"new={extra['new']} errors={extra['errors']}"
        lines.append(
            f"| {p['phase']} | {p['tool']} | {p['wall']:.2f} | {p['pages_per_s']:.0f} "
            f"| {p['peak_rss_mb']:.0f} | {p['store_bytes'] / MB:.2f} | {p['bytes_added'] / MB:.2f} "
            f"| {p['changed']} | {statuses} | {p['load']:.1f} | {notes} |"
        )
    lines += _rounds_table(result.get("timing") or {})
    lines += ["", *targets(result)]
    return "\n".join(lines)


def _rounds_table(timing: dict[str, Any]) -> list[str]:
    if not timing:
        return []
    lines = [
        "",
        f"Re-crawls again, {timing['rounds']} rounds each, regwatch then urlwatch on the same "
        "site state (each edited round edits every k-th page anew):",
        "",
        "| phase | regwatch wall s (min / median / max) | urlwatch wall s (min / median / max) "
        "| speed ratio per pair (min / median / max) | rounds with exactly the edited pages |",
        "|---|---|---|---|---:|",
    ]

    def spread(values: list[float], unit: str = "") -> str:
        low, mid, high = min(values), statistics.median(values), max(values)
        return f"{low:.2f} / **{mid:.2f}** / {high:.2f}{unit}"

    for phase in PHASES[1:]:
        t = timing[phase]
        exact = f"{t['exact_rounds']} of {timing['rounds']}" if phase == PHASES[2] else "—"
        lines.append(
            f"| {phase} | {spread(t['regwatch_wall'])} | {spread(t['urlwatch_wall'])} "
            f"| {spread(t['speed_ratios'], '×')} | {exact} |"
        )
    return lines


def targets(result: dict[str, Any]) -> list[str]:
    by = {(p["tool"], p["phase"]): p for p in result["phases"]}
    checks = result["checks"]
    out = ["Targets (issue 7):", ""]

    def line(ok: bool, text: str) -> None:
        out.append(f"- {'PASS' if ok else 'FAIL'}: {text}")

    first, same, edit = (by[("regwatch", ph)] for ph in PHASES)
    line(first["pages_per_s"] >= 100, f"first crawl {first['pages_per_s']:.0f} pages/s ≥ 100")
    rounds = (result.get("timing") or {}).get(PHASES[2])
    again = (
        f"; exactly the edited pages again in {rounds['exact_rounds']} of "
        f"{len(rounds['regwatch_wall'])} further rounds"
        if rounds
        else ""
    )
    line(
        checks.get("regwatch_exact", False)
        and (not rounds or rounds["exact_rounds"] == len(rounds["regwatch_wall"])),
        f"5 %-edited re-crawl detects exactly the edited pages: {edit['changed']} changed "
        f"events for {checks.get('edited')} edited pages{again}",
    )
    line(
        same["extra"]["bodies_added"] == 0 and same["extra"]["snapshots_added"] == 0,
        f"unchanged re-crawl adds no snapshot bodies (+{same['extra']['snapshots_added']} "
        f"snapshots, +{same['extra']['bodies_added']} bodies)",
    )
    if ("urlwatch", PHASES[0]) not in by:
        out.append("- (no peer run: ratios to urlwatch not measured; use --peer urlwatch)")
        return out
    peer = [by[("urlwatch", ph)] for ph in PHASES]
    r_same = same["pages_per_s"] / peer[1]["pages_per_s"]
    r_edit = edit["pages_per_s"] / peer[2]["pages_per_s"]
    timing = result.get("timing") or {}
    how = "this run"
    if timing:
        r_same = statistics.median(timing[PHASES[1]]["speed_ratios"])
        r_edit = statistics.median(timing[PHASES[2]]["speed_ratios"])
        how = f"median of {timing['rounds']} paired rounds"
    r_first = first["pages_per_s"] / peer[0]["pages_per_s"]
    ours_rss = max(p["peak_rss_mb"] for p in (first, same, edit))
    peer_rss = max(p["peak_rss_mb"] for p in peer)
    r_store = edit["store_bytes"] / peer[2]["store_bytes"]
    out.append(f"- (first crawl: regwatch/urlwatch pages/s = {r_first:.2f}×)")
    line(
        r_same >= 1.5,
        f"unchanged re-crawl regwatch/urlwatch pages/s = {r_same:.2f}× ({how}; ≥ 1.5×)",
    )
    line(
        r_edit >= 1.5,
        f"5 %-edited re-crawl regwatch/urlwatch pages/s = {r_edit:.2f}× ({how}; ≥ 1.5×)",
    )
    line(ours_rss <= peer_rss, f"peak RSS {ours_rss:.0f} MB vs urlwatch {peer_rss:.0f} MB (≤)")
    line(r_store <= 0.5, f"store after 3 phases regwatch/urlwatch = {r_store:.2f}× (≤ 0.5×)")
    out.append(
        f"- (urlwatch reported {checks.get('urlwatch_changed')} changed pages in phase 3 "
        f"for {checks.get('edited')} edited)"
    )
    return out


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pages", type=int, default=2000, help="policy pages on the site")
    p.add_argument("--edit-every", type=int, default=20, help="phase 3 edits every k-th page")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--discovery",
        choices=("listing", "pages"),
        default="listing",
        help="regwatch finds policies on listing pages (default) or gets every URL in its config",
    )
    p.add_argument("--peer", choices=("urlwatch",), help="also run this tool on the same pages")
    p.add_argument("--peer-venv", default=str(peer_mod.DEFAULT_VENV))
    p.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="with a peer: paired re-crawl rounds whose medians the speed targets use (0: none)",
    )
    p.add_argument("--install-peer", action="store_true", help="create the peer's venv if missing")
    p.add_argument("--profile", action="store_true", help="record regwatch under py-spy (slower)")
    p.add_argument(
        "--scrapy-set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="what-if: lay this Scrapy setting over regwatch's (bench/what_if.py); repeatable",
    )
    p.add_argument("--workdir", help="keep databases and caches here (default bench/out/run-*)")
    p.add_argument("--json", help="also write the results as JSON to this file")
    return p


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parser().parse_args(argv)
    started = time.time()
    result = run_bench(args)
    result["seconds"] = round(time.time() - started, 1)
    print(render(result))
    if args.profile:
        import profile_summary

        for index, path in enumerate(result["profiles"], 1):
            print(f"\n## profile, phase {index}: {PHASES[index - 1]}\n")
            print(profile_summary.summarize(Path(path)))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()
