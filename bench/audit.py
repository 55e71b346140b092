"""CORS scanners on the same loopback zoo, in one run: corskit audit against CORScanner, at equal concurrency.

    .venv/bin/python bench/audit.py [--concurrency 10] [--json FILE] [--update-docs]

With --update-docs the results replace the generated block of docs/audit.md ("Benchmark"), the one place these
figures are quoted.

The zoo (tests/audit/zoo.py) runs in its own process on 127.0.0.1 and serves every exhibit as a proxy: both
scanners reach it through a proxy setting (corskit: --proxy; CORScanner: HTTP(S)_PROXY, which requests honours),
so the realistic host names never touch DNS and nothing leaves loopback (the zoo refuses any other host, including
the public-suffix list that CORScanner's tldextract tries to download: it then uses its bundled copy).

CORScanner 0.9.7 (``pip install corscanner``, in the ``bench`` extra) was read before running it: it sends GETs
with an Origin header (10 checks: reflection, prefix, suffix, null, substring, unescaped dot, 6 third-party origins
from its origins.json, 23 special characters, any subdomain, http from https), 5 s timeout, follows redirects,
no TLS verification, stops at the first finding per URL, and its JSON output (-o) lists one result per URL.

Ground truth is each exhibit's expected classes (above info). A reported (target, class) pair is a true finding
when the exhibit expects that class, a false positive otherwise (every report on a correct or inert exhibit is a
false positive). corskit's findings count only above info; its severity is checked too.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DOCS = ROOT / "docs" / "audit.md"
BEGIN, END = "<!-- begin: bench/audit.py --update-docs -->", "<!-- end: bench/audit.py -->"

from bench._docs import replace_block  # noqa: E402
from tests.audit.zoo import Exhibit, exhibits  # noqa: E402

#: CORScanner's check names → corskit's finding classes.
CORSCANNER_CLASSES = {
    "reflect_origin": "arbitrary_origin_reflected",
    "prefix_match": "post_domain_trusted",
    "suffix_match": "pre_domain_trusted",
    "trust_null": "null_origin_trusted",
    "include_match": "substring_trusted",
    "not_escape_dot": "unescaped_dot_trusted",
    "custom_third_parties": "third_party_origin_trusted",
    "special_characters_bypass": "special_characters_trusted",
    "trust_any_subdomain": "any_subdomain_trusted",
    "https_trust_http": "http_origin_trusted",
}


@dataclass
class Outcome:
    tool: str
    ran: bool
    wall: float = 0.0
    #: target URL → {class: severity or ""}.
    found: dict[str, dict[str, str]] = field(default_factory=dict)
    note: str = ""


def start_zoo() -> tuple[subprocess.Popen[str], str, list[str]]:
    """The zoo in its own process: its proxy address and the exhibit URLs it serves."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.audit.zoo"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    proxy = process.stdout.readline().strip()
    urls = []
    while line := process.stdout.readline().strip():
        urls.append(line)
    if not proxy.startswith("http://127.0.0.1:"):
        process.kill()
        raise SystemExit(f"the zoo did not start: {process.stderr.read() if process.stderr else ''}")
    return process, proxy, urls


def corskit_command() -> list[str]:
    script = Path(sys.executable).with_name("corskit")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from corskit.cli import main; main()"]


def run_corskit(urls_file: Path, proxy: str, concurrency: int) -> Outcome:
    command = [*corskit_command(), "audit", "-i", str(urls_file), "--proxy", proxy, "-k", "--json", "-q"]
    command += ["--concurrency", str(concurrency)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    wall = time.perf_counter() - started
    outcome = Outcome("corskit audit", True, wall)
    for line in done.stdout.splitlines():
        report = json.loads(line)
        outcome.found[report["target"]] = {
            f["class"]: f["severity"] for f in report["findings"] if f["severity"] != "info"
        }
        if report["error"]:
            outcome.note += f"{report['target']}: {report['error']}\n"
    if done.returncode not in (0, 1):
        outcome.note += f"exit code {done.returncode}: {done.stderr[-500:]}"
    return outcome


def run_corscanner(urls_file: Path, proxy: str, concurrency: int, workdir: Path) -> Outcome:
    if importlib.util.find_spec("CORScanner") is None:
        return Outcome(
            "CORScanner", False, note="CORScanner is not installed here: pip install corscanner (the bench extra)."
        )
    script = Path(sys.executable).with_name("corscanner")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "CORScanner.cors_scan"]
    output = workdir / "corscanner.json"
    env = {
        **os.environ,
        "HTTP_PROXY": proxy,
        "HTTPS_PROXY": proxy,
        "http_proxy": proxy,
        "https_proxy": proxy,
        "NO_PROXY": "",
        "no_proxy": "",
        "TLDEXTRACT_CACHE": str(workdir / "tldextract"),
    }
    command += ["-i", str(urls_file), "-t", str(concurrency), "-o", str(output)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=workdir, env=env, check=False)
    wall = time.perf_counter() - started
    if not output.exists():
        tail = (done.stdout + done.stderr)[-800:]
        return Outcome(
            "CORScanner", False, wall, note=f"CORScanner ran (exit {done.returncode}) but wrote no output: {tail}"
        )
    outcome = Outcome("CORScanner", True, wall)
    for result in json.loads(output.read_text() or "[]"):
        cls = CORSCANNER_CLASSES.get(result.get("type", ""), f"corscanner:{result.get('type')}")
        outcome.found.setdefault(result["url"], {})[cls] = ""
    return outcome


@dataclass
class Score:
    true: int = 0
    missed: int = 0
    false_positives: int = 0
    wrong_severity: int = 0
    true_pairs: set[tuple[str, str]] = field(default_factory=set)
    fp_pairs: list[tuple[str, str]] = field(default_factory=list)


def score(outcome: Outcome, zoo: list[Exhibit]) -> Score:
    result = Score()
    for exhibit in zoo:
        reported = outcome.found.get(exhibit.url, {})
        for cls, severity in reported.items():
            if cls in exhibit.expected:
                result.true += 1
                result.true_pairs.add((exhibit.name, cls))
                if severity and severity != exhibit.expected[cls]:
                    result.wrong_severity += 1
            else:
                result.false_positives += 1
                result.fp_pairs.append((exhibit.name, cls))
        result.missed += sum(1 for cls in exhibit.expected if cls not in reported)
    return result


def _cell(found: dict[str, str], exhibit: Exhibit) -> str:
    if not found:
        return "-"
    parts = []
    for cls, severity in found.items():
        mark = "" if cls in exhibit.expected else " (FP)"
        parts.append(f"{cls}{':' + severity if severity else ''}{mark}")
    return ", ".join(parts)


def markdown(outcomes: list[Outcome], scores: dict[str, Score], zoo: list[Exhibit], concurrency: int) -> str:
    """The block quoted in docs/audit.md: how it was run, the score table, and every exhibit's findings."""
    expected = sum(len(e.expected) for e in zoo)
    ran = [o for o in outcomes if o.ran]
    python = platform.python_version()
    lines = [
        f"One run of `.venv/bin/python bench/audit.py --update-docs` (concurrency {concurrency} for both tools,"
        f" {os.cpu_count()} CPUs, Python {python}): {len(zoo)} exhibits, {expected} true findings to make.",
        "",
        "| tool | true findings | missed | false positives | wrong severity | wall time |",
        "|---|---|---|---|---|---|",
    ]
    for outcome in outcomes:
        if not outcome.ran:
            lines.append(f"| {outcome.tool} | did not run: {outcome.note.strip()} | | | | |")
            continue
        sc = scores[outcome.tool]
        severity = str(sc.wrong_severity) if outcome.tool == "corskit audit" else "n/a"
        lines.append(
            f"| {outcome.tool} | {sc.true}/{expected} | {sc.missed} | {sc.false_positives} | {severity}"
            f" | {outcome.wall:.2f} s |"
        )
    lines += ["", "| exhibit | expected | " + " | ".join(o.tool for o in ran) + " |", "|---" * (len(ran) + 2) + "|"]
    for exhibit in zoo:
        wanted = ", ".join(f"{c}:{s}" for c, s in exhibit.expected.items()) or "nothing above info"
        cells = [_cell(o.found.get(exhibit.url, {}), exhibit) for o in ran]
        lines.append(f"| {exhibit.name} | {wanted} | " + " | ".join(cells) + " |")
    fps = [f"{n} ({c})" for o in ran if o.tool != "corskit audit" for n, c in scores[o.tool].fp_pairs]
    if fps:
        lines += ["", "Other tools' false positives: " + ", ".join(fps) + "."]
    return "\n".join(lines)


def update_docs(block: str) -> None:
    replace_block(DOCS, BEGIN, END, block)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=10, help="requests in flight for both tools")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--update-docs", action="store_true", help="write the results into docs/audit.md")
    args = parser.parse_args()

    process, proxy, urls = start_zoo()
    try:
        zoo = [e for e in exhibits() if e.url in urls]
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            urls_file = workdir / "targets.txt"
            urls_file.write_text("\n".join(urls) + "\n")
            outcomes = [
                run_corskit(urls_file, proxy, args.concurrency),
                run_corscanner(urls_file, proxy, args.concurrency, workdir),
            ]
    finally:
        process.terminate()
        process.wait(5)

    expected = sum(len(e.expected) for e in zoo)
    print(
        f"Zoo: {len(zoo)} exhibits on loopback ({sum(1 for e in zoo if e.expected)} misconfigured, "
        f"{sum(1 for e in zoo if e.correct)} correct, {sum(1 for e in zoo if e.bait)} inert baits, "
        f"{sum(1 for e in zoo if not (e.expected or e.correct or e.bait))} informational only); "
        f"{expected} true findings to make. Concurrency {args.concurrency} for both tools.\n"
    )
    header = (
        f"{'tool':<16}{'true findings':>15}{'missed':>8}{'false positives':>17}{'wrong severity':>16}{'wall time':>11}"
    )
    print(header)
    print("-" * len(header))
    scores = {}
    for outcome in outcomes:
        if not outcome.ran:
            print(f"{outcome.tool:<16}  did not run: {outcome.note}")
            continue
        s = scores[outcome.tool] = score(outcome, zoo)
        severity = str(s.wrong_severity) if outcome.tool == "corskit audit" else "n/a"
        print(
            f"{outcome.tool:<16}{f'{s.true}/{expected}':>15}{s.missed:>8}{s.false_positives:>17}{severity:>16}"
            f"{outcome.wall:>10.2f}s"
        )
    print()
    ran = [o for o in outcomes if o.ran]
    rows = [[e.name, *(_cell(o.found.get(e.url, {}), e) for o in ran)] for e in zoo]
    widths = [max(len(r[i]) for r in [["exhibit", *(o.tool for o in ran)], *rows]) + 2 for i in range(len(ran) + 1)]
    for row in [["exhibit", *(o.tool for o in ran)], *rows]:
        print("".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    if "corskit audit" in scores and "CORScanner" in scores:
        ours, theirs = scores["corskit audit"], scores["CORScanner"]
        covered = theirs.true_pairs <= ours.true_pairs
        superset = "every one of CORScanner's included" if covered else "NOT a superset of CORScanner's"
        print(
            f"\ncorskit: {ours.true} true findings vs {theirs.true} ({superset}), "
            f"{ours.false_positives} false positives vs {theirs.false_positives}."
        )
        if theirs.fp_pairs:
            print("CORScanner's false positives: " + ", ".join(f"{n} ({c})" for n, c in theirs.fp_pairs))
    notes = [o for o in outcomes if o.note and o.ran]
    for outcome in notes:
        print(f"\n{outcome.tool} notes:\n{outcome.note}")
    if args.json:
        data = {o.tool: {"ran": o.ran, "wall": o.wall, "found": o.found, "note": o.note} for o in outcomes}
        Path(args.json).write_text(json.dumps(data, indent=2))
    if args.update_docs:
        update_docs(markdown(outcomes, scores, zoo, args.concurrency))


if __name__ == "__main__":
    if shutil.which("openssl") is None:
        print("note: openssl is missing, so the https exhibits are left out of the zoo", file=sys.stderr)
    main()
