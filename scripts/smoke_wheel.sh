#!/usr/bin/env bash
# Install the built wheel into fresh virtual environments and use it as a user would: the core alone (no
# dependencies at all), then the `testing` extra, then the `cli` extra. Run by `make package` (after twine check).
#   usage: scripts/smoke_wheel.sh [PYTHON] [DIST_DIR]
set -euo pipefail
python=${1:-python3}
dist=$(cd "${2:-dist}" && pwd)
root=$(pwd)
wheel=$(ls "$dist"/corskit-*.whl)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"  # never import corskit from the source tree

say() { echo "smoke: $*"; }

"$python" -m venv venv
py=venv/bin/python
"$py" -m pip install --quiet "$wheel"
say "core installed: $("$py" -m pip list --format=freeze | grep -v -e '^pip=' -e '^setuptools=' | tr '\n' ' ')"
"$py" - <<'PY'
import importlib.metadata as md
import sys

import corskit
from corskit import CORSError, Policy
from corskit.asgi import CORSMiddleware  # noqa: F401
from corskit.wsgi import CORSMiddleware as WSGIMiddleware  # noqa: F401

assert md.version("corskit") == corskit.__version__, (md.version("corskit"), corskit.__version__)
policy = Policy(allow_origins=["https://app.example"])
assert isinstance(CORSError, type)
third_party = sorted(m for m in ("httpx", "rich", "typer", "uvicorn", "redis") if m in sys.modules)
assert not third_party, f"the core imported {third_party}"
meta = md.metadata("corskit")
extras = set(meta.get_all("Provides-Extra") or [])
assert {"cli", "testing"} <= extras, f"published extras: {extras}"
assert not extras & {"test", "tests", "dev", "bench", "lint"}, f"the project's own tooling is published: {extras}"
urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL") or [])
assert {"Homepage", "Documentation", "Source", "Issues"} <= set(urls), urls
assert "Programming Language :: Python :: 3.10" in meta.get_all("Classifier"), "no Python version classifiers"
try:
    import corskit.testing  # noqa: F401
except ImportError as error:
    assert "pip install 'corskit[testing]'" in str(error), error
else:
    raise SystemExit("corskit.testing imported without httpx")
print("smoke: core: imports, metadata and the missing-extra message are right")
PY
status=0
out=$(venv/bin/corskit --version 2>&1) || status=$?
[ "$status" = 2 ] || { echo "smoke: 'corskit' without the cli extra exited $status: $out"; exit 1; }
grep -q "pip install 'corskit\[cli\]'" <<<"$out" || { echo "smoke: unexpected message: $out"; exit 1; }
say "corskit without the cli extra: exit 2, names the extra"

"$py" -m pip install --quiet "$wheel[testing]"
"$py" - <<'PY'
import sys

from corskit.testing import browser_client

def app(environ, start_response):
    start_response("200 OK", [("Access-Control-Allow-Origin", "https://app.example")])
    return [b"ok"]

with browser_client(app, origin="https://app.example") as client:
    assert client.get("/").text == "ok"
assert "typer" not in sys.modules and "rich" not in sys.modules
print("smoke: testing extra: the test client works without the cli's dependencies")
PY

"$py" -m pip install --quiet "$wheel[cli]"
venv/bin/corskit --version
status=0
"$py" -m corskit explain "$root/examples/scenarios/put-missing-header.json" --json >/dev/null || status=$?
[ "$status" = 1 ] || { echo "smoke: explain of the blocked example exited $status, not 1"; exit 1; }
say "cli extra: corskit --version, python -m corskit explain (exit 1: blocked) work"

# The playground's page and assets ship in the wheel: start it on free ports, fetch the page and what it loads.
"$py" - <<'PY'
import re, subprocess, sys, urllib.request
from pathlib import Path

command = [str(Path(sys.executable).parent / "corskit"), "playground", "--no-open", "--port", "0", "--api-port", "0"]
server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
try:
    first = server.stdout.readline()
    page = re.search(r"http://127\.0\.0\.1:\d+/", first)
    assert page, f"smoke: playground printed {first!r}"
    html = urllib.request.urlopen(page.group(0), timeout=10).read().decode()
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert len(assets) >= 2, f"smoke: the playground page loads {assets}"
    for asset in assets:
        assert urllib.request.urlopen(page.group(0) + asset[1:], timeout=10).read(), asset
finally:
    server.terminate()
    server.wait(10)
print(f"smoke: cli extra: corskit playground serves its page and {len(assets)} assets from the wheel")
PY
