"""corskit under load: real servers, a real load generator, against a bare app and the peers' middleware.

    make load                                     # = python bench/load.py run
    python bench/load.py run --seconds 5 --rounds 3 [--update-docs]
    make soak                                     # = python bench/load.py soak --seconds 60 --origins 100000

``run``: ASGI under uvicorn (a bare Starlette app; with Starlette's ``CORSMiddleware``; with corskit's) and WSGI
under waitress (a bare Flask app; with flask-cors; with corskit's), each server its own process, driven by wrk
(Debian's ``wrk``, installed with apt when missing and root). Two kinds of traffic: one repeating allowed origin,
and an origin never seen before on every request (a wrk Lua script counts them up, all under the allowed
``*.example.com``). The runs are interleaved (round 1: bare, peer, corskit; round 2: ...) so that a noisy moment
hits every server alike; each figure is the median over the rounds. Printed: requests/s and p99 latency, their
ratios to the bare app and corskit against the peer, and the error count (socket errors plus non-2xx answers),
which must be 0: the script exits 1 otherwise. ``--update-docs`` writes the table into docs/server.md.

``soak``: corskit under uvicorn for ``--seconds`` with ``--origins`` distinct origins in rotation; prints the
server's resident memory before and after, the requests served and the errors.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "server.md"
SECTION = "## Under load"

ALLOWED = "https://app.example.com"
#: Never-seen origins are all subdomains of this: allowed by a pattern (corskit) or the equivalent regex (peers).
PATTERN = "https://*.example.com"
REGEX = r"https://[a-z0-9-]+\.example\.com"
STACKS = {"asgi": ("bare", "starlette", "corskit"), "wsgi": ("bare", "flask-cors", "corskit")}
PEER = {"asgi": "starlette", "wsgi": "flask-cors"}

REPEATING_LUA = f"""
wrk.headers["Origin"] = "{ALLOWED}"
"""
# Each wrk thread has its own Lua state: a thread id keeps the origins of two threads apart. ``limit`` (0: none)
# makes the origins rotate through that many distinct values (the soak).
FRESH_LUA = """
local counter, limit = 0, {limit}
local next_id = 0
function setup(thread) thread:set("id", next_id); next_id = next_id + 1 end
function request()
  counter = counter + 1
  local n = counter
  if limit > 0 then n = counter % limit end
  return wrk.format("GET", "/", {{["Origin"] = "https://o" .. id .. "x" .. n .. ".example.com"}})
end
"""


# --- the apps (built in the server process) ------------------------------------------------------------------


def build_app(stack: str, variant: str) -> Any:
    if stack == "asgi":
        from starlette.applications import Starlette
        from starlette.responses import PlainTextResponse
        from starlette.routing import Route

        async def home(request: Any) -> Any:
            return PlainTextResponse("ok")

        app: Any = Starlette(routes=[Route("/", home)])
        if variant == "starlette":
            from starlette.middleware.cors import CORSMiddleware as StarletteCORS

            return StarletteCORS(app, allow_origins=[ALLOWED], allow_origin_regex=REGEX)
        if variant == "corskit":
            from corskit.asgi import CORSMiddleware

            return CORSMiddleware(app, allow_origins=[ALLOWED, PATTERN])
        return app
    from flask import Flask

    flask_app = Flask("load")
    flask_app.add_url_rule("/", "home", lambda: "ok")
    if variant == "flask-cors":
        from flask_cors import CORS

        CORS(flask_app, origins=[ALLOWED, REGEX])
    elif variant == "corskit":
        from corskit.wsgi import CORSMiddleware as WSGICORS

        flask_app.wsgi_app = WSGICORS(flask_app.wsgi_app, allow_origins=[ALLOWED, PATTERN])  # type: ignore[method-assign]
    return flask_app


def serve(stack: str, variant: str, fd: int) -> None:
    """Run one server on the listening socket inherited as *fd* (bound by the parent to port 0)."""
    app = build_app(stack, variant)
    if stack == "asgi":
        import uvicorn

        uvicorn.run(app, fd=fd, log_level="warning", access_log=False, lifespan="off")
    else:
        import logging

        import waitress

        logging.getLogger("waitress").setLevel(logging.ERROR)  # not a line per busy moment ("Task queue depth")
        sock = socket.socket(fileno=fd)
        waitress.serve(app, sockets=[sock], threads=4, _quiet=True)


@dataclass
class Server:
    stack: str
    variant: str
    process: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start(stack: str, variant: str) -> Server:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # inherited by accepted connections
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    port = sock.getsockname()[1]
    cmd = [sys.executable, str(Path(__file__).resolve()), "serve", stack, variant, str(sock.fileno())]
    process = subprocess.Popen(cmd, pass_fds=[sock.fileno()], cwd=ROOT)
    sock.close()
    server = Server(stack, variant, process, port)
    _wait_ready(server)
    return server


def _wait_ready(server: Server) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"load: the {server.stack} {server.variant} server exited ({server.process.returncode})")
        try:
            request = urllib.request.Request(server.url, headers={"Origin": ALLOWED})
            with urllib.request.urlopen(request, timeout=2) as response:
                allowed = response.headers.get("Access-Control-Allow-Origin")
            if (allowed == ALLOWED) != (server.variant != "bare"):
                raise SystemExit(f"load: {server.variant} answered Access-Control-Allow-Origin {allowed!r}")
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"load: the {server.stack} {server.variant} server did not answer within 60 s")


# --- wrk -------------------------------------------------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("load: wrk is missing; install it: sudo apt-get install --no-install-recommends wrk")
    print("load: installing wrk (apt-get)…", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "wrk"]
    if subprocess.run(install, env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, check=False)
        subprocess.run(install, env=env, capture_output=True, check=True)
    return shutil.which("wrk") or "wrk"


@dataclass
class Run:
    requests: int
    rps: float
    p99_ms: float
    errors: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(binary: str, url: str, script: str, seconds: int, connections: int) -> Run:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    try:
        cmd = [binary, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", lua.name, url]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(lua.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(non2xx.group(1)) if non2xx else 0
    p99_ms = float(p99.group(1)) * _UNITS[p99.group(2)] if p99 else float("nan")
    return Run(requests, rps, p99_ms, errors)


# --- run: interleaved rounds -----------------------------------------------------------------------------------


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} CPUs ({model}), Linux {platform.release()}, Python {platform.python_version()}"


def run(args: argparse.Namespace) -> int:
    binary = ensure_wrk()
    load_before = os.getloadavg()
    results: dict[tuple[str, str, str], list[Run]] = {}
    modes = {"repeating": REPEATING_LUA, "never-seen": FRESH_LUA.format(limit=0)}
    for stack in args.stacks:
        servers = [start(stack, variant) for variant in STACKS[stack]]
        try:
            for server in servers:  # warm-up: imports, caches, first connections
                wrk(binary, server.url, modes["never-seen"], 1, args.connections)
            for number in range(args.rounds):
                for mode, script in modes.items():
                    order = servers if number % 2 == 0 else servers[::-1]
                    for server in order:
                        got = wrk(binary, server.url, script, args.seconds, args.connections)
                        results.setdefault((stack, mode, server.variant), []).append(got)
                        print(
                            f"  round {number + 1} {stack:4} {mode:10} {server.variant:10} "
                            f"{got.rps:9.0f} req/s  p99 {got.p99_ms:7.2f} ms  errors {got.errors}",
                            flush=True,
                        )
        finally:
            for server in servers:
                server.stop()
    load_after = os.getloadavg()
    table = render(results, args, load_before, load_after)
    print()
    print(table)
    if args.update_docs:
        update_docs("load", table)
    errors = sum(r.errors for runs in results.values() for r in runs)
    return 1 if errors else 0


def _median(runs: list[Run], field: str) -> float:
    return statistics.median(getattr(r, field) for r in runs)


def render(
    results: dict[tuple[str, str, str], list[Run]],
    args: argparse.Namespace,
    load_before: tuple[float, float, float],
    load_after: tuple[float, float, float],
) -> str:
    command = (
        f"python bench/load.py run --seconds {args.seconds} --rounds {args.rounds} --connections {args.connections}"
    )
    lines = [
        f"`{command}` (`make load`). Machine: {machine()}; load average {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after (1 min; other work was running on it).",
        f"wrk: 1 thread, {args.connections} connections, {args.seconds} s per run, {args.rounds} interleaved rounds; "
        "medians. uvicorn: 1 worker; waitress: 4 threads.",
        "",
        "| stack | origins | middleware | req/s | p99 ms | req/s vs bare | p99 vs bare | corskit vs peer (req/s, p99) "
        "| errors |",
        "|---|---|---|---:|---:|---:|---:|---|---:|",
    ]
    for stack in args.stacks:
        for mode in ("repeating", "never-seen"):
            bare = results[(stack, mode, "bare")]
            for variant in STACKS[stack]:
                runs = results[(stack, mode, variant)]
                rps, p99 = _median(runs, "rps"), _median(runs, "p99_ms")
                versus = ""
                if variant == "corskit":
                    peer = results[(stack, mode, PEER[stack])]
                    versus = f"{rps / _median(peer, 'rps'):.2f}x, {p99 / _median(peer, 'p99_ms'):.2f}x"
                lines.append(
                    f"| {stack} | {mode} | {variant} | {rps:.0f} | {p99:.2f} | {rps / _median(bare, 'rps'):.2f} "
                    f"| {p99 / _median(bare, 'p99_ms'):.2f} | {versus} | {sum(r.errors for r in runs)} |"
                )
    return "\n".join(lines)


def update_docs(name: str, block: str) -> None:
    """Put *block* between the ``<!-- name:begin -->`` / ``<!-- name:end -->`` markers of the "Under load" section
    of docs/server.md, creating the section (at the end) or the markers (at the end of the section) as needed."""
    begin, end = (
        f"<!-- {name}:begin (bench/load.py {name if name != 'load' else 'run'} --update-docs) -->",
        f"<!-- {name}:end -->",
    )
    text = DOC.read_text(encoding="utf-8")
    fenced = f"{begin}\n{block}\n{end}"
    if begin in text:
        text = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _: fenced, text, flags=re.S)
    elif SECTION in text:
        start = text.index(SECTION)
        nxt = text.find("\n## ", start + len(SECTION))
        cut = len(text) if nxt == -1 else nxt
        text = text[:cut].rstrip("\n") + f"\n\n{fenced}\n" + text[cut:]
    else:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n{fenced}\n"
    DOC.write_text(text, encoding="utf-8")
    print(f"\nwritten to {DOC.relative_to(ROOT)}")


# --- soak ------------------------------------------------------------------------------------------------------


def soak(args: argparse.Namespace) -> int:
    binary = ensure_wrk()
    server = start(args.stack, "corskit")
    try:
        wrk(binary, server.url, REPEATING_LUA, 1, args.connections)
        before = server.rss_kib()
        got = wrk(binary, server.url, FRESH_LUA.format(limit=args.origins), args.seconds, args.connections)
        after = server.rss_kib()
    finally:
        server.stop()
    report = {
        "stack": args.stack,
        "seconds": args.seconds,
        "distinct_origins": args.origins,
        "requests": got.requests,
        "req_per_s": round(got.rps),
        "p99_ms": got.p99_ms,
        "errors": got.errors,
        "rss_before_kib": before,
        "rss_after_kib": after,
    }
    print(
        f"soak ({args.stack}, corskit): {got.requests} requests in {args.seconds} s ({got.rps:.0f}/s), "
        f"{args.origins} distinct origins, p99 {got.p99_ms:.2f} ms, errors {got.errors}; "
        f"RSS {before / 1024:.1f} MiB before, {after / 1024:.1f} MiB after ({(after - before) / 1024:+.1f} MiB)"
    )
    if args.json:
        print(json.dumps(report))
    if args.update_docs:
        update_docs(
            "soak",
            f"`python bench/load.py soak --seconds {args.seconds} --origins {args.origins}` (`make soak`), corskit "
            f"under {'uvicorn' if args.stack == 'asgi' else 'waitress'}, wrk with {args.connections} connections, "
            "every request from one of "
            f"{args.origins:,} distinct origins in rotation: {got.requests:,} requests ({got.rps:,.0f}/s), p99 "
            f"{got.p99_ms:.2f} ms, **{got.errors} errors**; server RSS {before / 1024:.1f} MiB before, "
            f"{after / 1024:.1f} MiB after ({(after - before) / 1024:+.1f} MiB). Machine: {machine()}; load average "
            f"{os.getloadavg()[0]:.1f} at the end.",
        )
    return 1 if got.errors else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/load.py", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="interleaved runs against the bare app and the peers")
    p_run.add_argument("--seconds", type=int, default=5, help="length of each wrk run, in seconds (default 5)")
    p_run.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    p_run.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    p_run.add_argument("--stacks", nargs="+", choices=list(STACKS), default=list(STACKS))
    p_run.add_argument("--update-docs", action="store_true", help="write the table into docs/server.md")
    p_soak = sub.add_parser("soak", help="one long run over many distinct origins, RSS before and after")
    p_soak.add_argument("--seconds", type=int, default=60)
    p_soak.add_argument("--origins", type=int, default=100_000, help="distinct origins in rotation (default 100000)")
    p_soak.add_argument("--connections", type=int, default=32)
    p_soak.add_argument("--stack", choices=list(STACKS), default="asgi")
    p_soak.add_argument("--json", action="store_true", help="also print the figures as one JSON line")
    p_soak.add_argument("--update-docs", action="store_true", help="write the figures into docs/server.md")
    p_serve = sub.add_parser("serve", help=argparse.SUPPRESS)
    p_serve.add_argument("stack", choices=list(STACKS))
    p_serve.add_argument("variant")
    p_serve.add_argument("fd", type=int)
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve(args.stack, args.variant, args.fd)
        return 0
    return run(args) if args.command == "run" else soak(args)


if __name__ == "__main__":
    sys.exit(main())
