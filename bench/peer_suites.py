"""The peers' own CORS test suites, run with the peer and with corskit swapped in: where corskit differs.

    make peer-suites                      # all three; or: python3 bench/peer_suites.py --suite starlette

For each peer it runs the peer's test suite twice, under the peer's own pytest configuration: as shipped, then
with only the middleware swapped for corskit's (bench/peer_swap.py: ``corskit.asgi`` for Starlette,
``corskit.django`` reading the same ``CORS_*`` settings, ``corskit.flask`` for flask-cors' ``CORS`` and
``cross_origin``). It prints the pass counts per suite and each test that fails with corskit, with a one-line
reason. Every such failure should be a difference docs/migrating.md lists; tests/migration/ pins them.

The suites come from PyPI sdists (``pip download --no-binary``) into build/peer-suites/ (never committed), with a
private virtualenv holding the pinned peers. django-cors-headers' sdists ship no tests since 4.2, so its suite is
read from a git clone of its repository at the release tag (``--django-repo``). Needs network on the first run only.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "peer-suites"
DJANGO_REPO = Path("/work/.mirror/adamchainz+django-cors-headers/repo")


@dataclass(frozen=True)
class Suite:
    name: str
    title: str
    package: str  # the sdist's project name
    version: str
    tests: tuple[str, ...]  # paths inside the unpacked suite, as pytest takes them


SUITES = (
    Suite("starlette", "Starlette 1.10 tests/middleware/test_cors.py", "starlette", "1.10.0",
          ("tests/middleware/test_cors.py",)),
    Suite("django", "django-cors-headers 4.9.0 tests/test_middleware.py", "django-cors-headers", "4.9.0",
          ("tests/test_middleware.py",)),
    Suite("flask", "flask-cors 6.0.5 (whole suite)", "flask-cors", "6.0.5", ("tests",)),
)  # fmt: skip
TEST_PACKAGES = ("pytest>=8", "pytest-django>=4.9", "httpx2", "flask>=3.0", "django>=5.2")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", action="append", choices=[s.name for s in SUITES], help="run only these")
    parser.add_argument("--work", type=Path, default=WORK, help=f"downloads and venv (default {WORK})")
    parser.add_argument("--django-repo", type=Path, default=DJANGO_REPO, help="a git clone of django-cors-headers")
    parser.add_argument("-v", "--verbose", action="store_true", help="also list the peer's own failures")
    args = parser.parse_args()
    suites = [s for s in SUITES if not args.suite or s.name in args.suite]
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    python = _venv(work)
    rows = []
    for suite in suites:
        where = _unpack(work, python, suite, args.django_repo)
        if where is None:
            continue
        peer = _run(python, suite, where, work, swap="")
        ours = _run(python, suite, where, work, swap=suite.name)
        rows.append((suite, peer, ours))
    _report(rows, verbose=args.verbose)
    return 0


def _venv(work: Path) -> Path:
    """A private virtualenv with corskit (editable) and the pinned peers; rebuilt when the pins change."""
    venv = work / "venv"
    python = venv / "bin" / "python"
    pins = [*(f"{s.package}=={s.version}" for s in SUITES), *TEST_PACKAGES]
    stamp = venv / ".pins"
    wanted = "\n".join(pins)
    if not (python.exists() and stamp.exists() and stamp.read_text() == wanted):
        _say(f"creating {venv} ({', '.join(pins)})")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, "-e", str(ROOT), *pins], check=True)
        stamp.write_text(wanted)
    return python


def _unpack(work: Path, python: Path, suite: Suite, django_repo: Path) -> Path | None:
    """The suite's sources (tests and configuration) under *work*, downloaded once."""
    where = work / "src" / f"{suite.package}-{suite.version}"
    if (where / suite.tests[0]).exists():
        return where
    if suite.package == "django-cors-headers":
        # Its sdists prune tests/ since 4.2; the release tag of the repository has them.
        if not (django_repo / "HEAD").exists() and not (django_repo / ".git").exists():
            _say(f"skipping {suite.title}: its sdist ships no tests; pass --django-repo (a git clone of the project)")
            return None
        where.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(django_repo), "archive", suite.version, "tests", "pyproject.toml"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
        return where
    sdists = work / "sdists"
    spec = f"{suite.package}=={suite.version}"
    subprocess.run(
        [str(python), "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--no-binary", suite.package, "-d", str(sdists), spec],
        check=True,
    )  # fmt: skip
    prefix = suite.package.replace("-", "_")
    archive_path = next(p for p in sdists.iterdir() if p.name.lower().startswith(f"{prefix}-{suite.version}"))
    with tarfile.open(archive_path) as tar:
        tar.extractall(work / "src", filter="data")
    unpacked = work / "src" / archive_path.name.removesuffix(".tar.gz")
    unpacked.rename(where)
    return where


@dataclass(frozen=True)
class Outcome:
    passed: list[str]
    failed: dict[str, str]  # test id → one-line reason
    skipped: int

    @property
    def total(self) -> int:
        return len(self.passed) + len(self.failed)


def _run(python: Path, suite: Suite, where: Path, work: Path, swap: str) -> Outcome:
    report = work / f"{suite.name}-{swap or 'peer'}.xml"
    env = {**os.environ, "PEER_SWAP": swap, "PYTHONPATH": str(ROOT / "bench"), "PYTHONDONTWRITEBYTECODE": "1"}
    subprocess.run(
        [str(python), "-m", "pytest", *suite.tests, "-p", "peer_swap", "-p", "no:cacheprovider", "-q",
         "--no-header", "-o", "console_output_style=classic", f"--junitxml={report}"],
        cwd=where, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
    )  # fmt: skip
    return _outcome(report)


def _outcome(report: Path) -> Outcome:
    passed: list[str] = []
    failed: dict[str, str] = {}
    skipped = 0
    for case in ET.parse(report).iter("testcase"):
        name = f"{case.get('classname', '').rsplit('.', 1)[-1]}.{case.get('name')}".lstrip(".")
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if case.find("skipped") is not None:
            skipped += 1
        elif problem is None:
            passed.append(name)
        else:
            failed[name] = _reason(problem.get("message", "") or problem.text or "")
    return Outcome(passed, failed, skipped)


def _reason(message: str) -> str:
    line = next((ln.strip() for ln in message.splitlines() if ln.strip()), "(no message)")
    for noise in ("AssertionError: ", "django.core.exceptions.", "corskit.spec.errors."):
        line = line.replace(noise, "")
    return line if len(line) <= 150 else line[:147] + "..."


def _report(rows: list[tuple[Suite, Outcome, Outcome]], verbose: bool) -> None:
    print()
    print("| suite | tests | pass with the peer | pass with corskit |")
    print("|---|---:|---:|---:|")
    for suite, peer, ours in rows:
        print(f"| {suite.title} | {peer.total} | {len(peer.passed)} | {len(ours.passed)} |")
    for suite, peer, ours in rows:
        if verbose and peer.failed:
            print(f"\n{suite.title}: failing with the peer itself ({len(peer.failed)})")
            for name, reason in peer.failed.items():
                print(f"  {name}: {reason}")
        print(f"\n{suite.title}: failing with corskit ({len(ours.failed)})")
        for name, reason in ours.failed.items():
            print(f"  {name}: {reason}")


def _say(text: str) -> None:
    print(f"peer-suites: {text}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
