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
#: Why each peer test fails with corskit: the docs/migrating.md row (per suite, keyed by the test's name without its
#: parameters). A failure missing here is printed as NOT IN THE GUIDE: a difference nobody decided on.
ROWS = {
    "starlette": {
        "test_cors_allow_all": "credentials_with_wildcard",
        "test_preflight_allows_request_origin_if_origins_wildcard_and_credentials_allowed": "credentials_with_wildcard",
        "test_cors_vary_header_is_properly_set_for_credentialed_request": "credentials_with_wildcard",
        "test_cors_allow_all_except_credentials": "preflight_status",
        "test_cors_allow_specific_origin": "preflight_status",
        "test_cors_preflight_allow_all_methods": "preflight_status",
        "test_cors_private_network_access_allowed": "preflight_status",
        "test_cors_private_network_access_disallowed": "preflight_status",
        "test_cors_disallowed_preflight": "preflight_refused",
        "test_cors_preflight_rejects_custom_method_with_wildcard": "methods_wildcard",
        "test_cors_allow_all_methods": "vary_with_wildcard",
        "test_cors_vary_header_is_set_for_non_credentialed_request": "vary_with_wildcard",
        "test_cors_allow_origin_regex": "regex_matching_everything",
    },
    "django": {
        "test_allow_all_origins_get": "credentials_with_all_origins",
        "test_allow_all_origins_options": "credentials_with_all_origins",
        "test_auth_view_options": "credentials_with_all_origins",
        "test_non_200_headers_still_set": "credentials_with_all_origins",
        "test_allow_private_network_added_if_enabled_and_requested": "private_network_on_preflights_only",
        "test_async_options_allowed_origin": "preflight_answers",
        "test_options_allowed_origin": "preflight_answers",
        "test_options_no_max_age": "preflight_answers",
        "test_options_empty_request_method": "preflight_refused",
        "test_cors_enabled_is_attached_and_bool": "cors_enabled_attribute",
        "test_works_if_view_deletes_cors_enabled": "cors_enabled_attribute",
        "test_file_in_allowed_origins": "file_origin",
        "test_get_origin_vary_by_default": "vary_spelling",
        "test_get_regex_matches_path_info": "paths_include_script_name",
        "test_signal_called_once_during_normal_flow": "signal_not_consulted",
        "test_signal_handler_allow_some_urls_to_everyone": "signal_not_consulted",
        "test_signal_handler_that_returns_false": "signal_not_consulted",
        "test_signal_handler_that_returns_true": "signal_not_consulted",
    },
    "flask": {
        "AllowHeadersTestCaseIntegration": "headers_regex",
        "SupportsCredentialsCase.test_credentials_supported": "private_network_on_preflights_only",
        "SupportsCredentialsCase.test_credentials_unsupported": "private_network_on_preflights_only",
        "SupportsCredentialsCase.test_default": "credentials_with_wildcard",
        "ExposeHeadersTestCase.test_override": "expose_order",
        "MethodsCase.test_defaults": "preflight_lists",
        "OptionsTestCase.test_no_options_and_not_auto": "automatic_options",
        "OriginsTestCase.test_defaults_with_origin": "wildcard_answer",
        "OriginsTestCase.test_regex_list": "regex_prefix",
        "VaryHeaderTestCase.test_consistent_origin": "vary_always",
        "VaryHeaderTestCase.test_consistent_origin_concat": "vary_always",
        "VaryHeaderTestCase.test_default": "wildcard_answer",
        "OriginsW3TestCase.test_wildcard_default_origins": "wildcard_answer",
        "OriginsW3TestCase.test_wildcard_origin_header": "wildcard_answer",
        "OriginsW3TestCase.test_wildcard_no_origin_header": "always_send",
        "AppExtensionRegexp.test_defaults_with_origin": "wildcard_answer",
        "AppExtensionRegexp.test_regex_list": "regex_prefix",
        "AppExtensionString.test_override": "decorator_inside_app_wide",
        "BlueprintExtensionTestCase": "blueprint",
    },
}
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
        print(f"\n{suite.title}: failing with corskit ({len(ours.failed)}), each with its docs/migrating.md row")
        for name, reason in ours.failed.items():
            print(f"  {name}\n    [{_row(suite, name)}] {reason}")


def _row(suite: Suite, name: str) -> str:
    """The guide's row for a failing test: by its full name, its class, or its function name."""
    rows = ROWS.get(suite.name, {})
    bare = name.split("[", 1)[0]
    for key in (bare, bare.split(".", 1)[0], bare.rsplit(".", 1)[-1]):
        if key in rows:
            return rows[key]
    return "NOT IN THE GUIDE"


def _say(text: str) -> None:
    print(f"peer-suites: {text}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
