"""corskit audit at scale: 10,000 loopback targets at --concurrency 200, with the progress bar, in flat memory.

    .venv/bin/python bench/audit_scale.py [--targets 10000] [--concurrency 200] [--update-docs]

Each target is a host of its own (``t42.reflect-credentials.scale.example``: never seen before, as in a real scan),
answering like one of the zoo's exhibits (tests/audit/zoo.py, the http ones: every misconfiguration and the correct
configurations, in turn). A small asyncio server in its own process plays all of them as an HTTP proxy on 127.0.0.1,
with keep-alive, so the scanner is what is measured, not the server. ``corskit audit`` runs as a user runs it:
``-i targets.txt --proxy … --concurrency 200 --json -o FILE``, its stderr on a pseudo-terminal so that it draws its
progress bar, which this script reads to follow the scan. The scanner's resident memory is sampled from /proc.

Printed: targets/s and requests/s (requests the server answered, over the scan's wall time), requests per target,
resident memory at 10 %, 50 % and 100 % of the targets and its peak, and whether the bar counted every target. With
--update-docs the figures replace the generated block of docs/audit.md ("At scale"), the one place they are quoted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import pty
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._docs import replace_block  # noqa: E402
from tests.audit.zoo import Req, exhibits  # noqa: E402

DOCS = ROOT / "docs" / "audit.md"
BEGIN, END = "<!-- begin: bench/audit_scale.py --update-docs -->", "<!-- end: bench/audit_scale.py -->"
DOMAIN = "scale.example"
BAR = re.compile(rb"(\d+)/(\d+)")


# -- the server (its own process) -------------------------------------------------------------------------------------


def serve(port_file: str) -> None:
    """Answer every request as the exhibit its host names, until SIGTERM; then print the number answered."""
    apps = {e.name: e.app for e in exhibits(with_asgi=False, tls=False)}
    answered = connections = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal answered, connections
        connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    name, sep, value = line.partition(":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length") or 0)
                if length:
                    await reader.readexactly(length)
                parts = urlsplit(target)
                labels = (parts.hostname or "").split(".")
                app = (apps.get(labels[1]) or apps.get(labels[0])) if len(labels) > 2 else None
                if app is None:
                    status, out, body = 502, [("Content-Type", "text/plain")], b"not a target"
                else:
                    status, out, body = app(Req(method, parts.path or "/", headers, "http"))
                answered += 1
                reply = [f"HTTP/1.1 {status} X"] + [f"{n}: {v}" for n, v in out]
                if status not in (204, 304):
                    reply.append(f"Content-Length: {len(body)}")
                else:
                    body = b""
                writer.write(("\r\n".join(reply) + "\r\n\r\n").encode("latin-1") + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
        Path(port_file).write_text(str(server.sockets[0].getsockname()[1]))
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        async with server:
            await stop.wait()
        print(answered, connections, flush=True)

    asyncio.run(main())


# -- the measurement --------------------------------------------------------------------------------------------------


def rss(pid: int) -> int:
    """Resident memory of *pid* in bytes (0 once it has exited)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def scan(count: int, concurrency: int, workdir: Path) -> dict[str, object]:
    names = [e.name for e in exhibits(with_asgi=False, tls=False)]
    targets = workdir / "targets.txt"
    targets.write_text("".join(f"http://t{i}.{names[i % len(names)]}.{DOMAIN}/api/data\n" for i in range(count)))
    port_file = workdir / "port"
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port_file)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        while not port_file.exists() or not port_file.read_text():
            time.sleep(0.05)
        proxy = f"http://127.0.0.1:{port_file.read_text()}"
        corskit = Path(sys.executable).with_name("corskit")
        command = [str(corskit), "audit", "-i", str(targets), "--proxy", proxy, "--retries", "0"]
        command += ["--concurrency", str(concurrency), "--json", "-o", str(workdir / "out.jsonl")]
        master, slave = pty.openpty()
        env = {**os.environ, "COLUMNS": "100"}
        started = time.perf_counter()
        scanner = subprocess.Popen(command, stdin=subprocess.DEVNULL, stderr=slave, env=env, cwd=workdir)
        os.close(slave)
        samples: dict[int, int] = {}
        peak, done, shown, last_print = 0, 0, 0, 0.0
        usage = None
        while usage is None:
            pid, status, rusage = os.wait4(scanner.pid, os.WNOHANG)
            if pid:
                scanner.returncode = os.waitstatus_to_exitcode(status)
                usage = rusage
                break
            readable, _, _ = select.select([master], [], [], 0.25)
            if readable:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    chunk = b""
                counts = [int(m.group(1)) for m in BAR.finditer(chunk) if int(m.group(2)) == count]
                if counts:
                    done = max(done, *counts)
            memory = rss(scanner.pid)
            peak = max(peak, memory)
            for tenth in (1, 5, 9):
                if done >= count * tenth // 10 and tenth not in samples and memory:
                    samples[tenth] = memory
            if time.perf_counter() - last_print > 5:
                last_print = time.perf_counter()
                print(f"  {done:,}/{count:,} targets, {memory / 2**20:.0f} MiB", flush=True)
            shown = max(shown, done)
        wall = time.perf_counter() - started
        os.close(master)
    finally:
        server.send_signal(signal.SIGTERM)
        answered, connections = map(int, (server.communicate(timeout=30)[0] or "0 0").split())
    lines = (workdir / "out.jsonl").read_text().splitlines()
    reports = [json.loads(line) for line in lines]
    errors = sum(1 for r in reports if r["error"])
    return {
        "targets": count,
        "reports": len(reports),
        "errors": errors,
        "exit": scanner.returncode,
        "wall": wall,
        "requests": answered,
        "connections": connections,
        "bar": shown,
        "rss": {f"{t * 10}%": samples.get(t, 0) for t in (1, 5, 9)},
        "peak": peak,
        "concurrency": concurrency,
        "cpu": usage.ru_utime + usage.ru_stime,
    }


def markdown(result: dict[str, object]) -> str:
    wall = float(result["wall"])  # type: ignore[arg-type]
    targets, requests = int(result["targets"]), int(result["requests"])  # type: ignore[call-overload]
    rss_at: dict[str, int] = result["rss"]  # type: ignore[assignment]
    memory = ", ".join(f"{k} {v / 2**20:.0f} MiB" for k, v in rss_at.items())
    return "\n".join(
        [
            f"One run of `.venv/bin/python bench/audit_scale.py --update-docs` ({os.cpu_count()} CPUs shared with"
            f" other work, Python {platform.python_version()}):",
            "",
            "| targets | concurrency | wall time | targets/s | requests/s | requests per target | resident memory"
            " (at 10 %, 50 %, 90 % of the targets; peak) |",
            "|---|---|---|---|---|---|---|",
            f"| {targets:,} | {result['concurrency']} | {wall:.0f} s | {targets / wall:.1f} | {requests / wall:,.0f}"
            f" | {requests / targets:.1f} | {memory}; peak {int(result['peak']) / 2**20:.0f} MiB |",  # type: ignore[call-overload]
            "",
            f"Every target got its report ({result['reports']:,} JSON lines, {result['errors']} with an error); the"
            f" progress bar counted {result['bar']:,} of {targets:,}; {result['connections']:,} connections were"
            f" opened ({int(result['connections']) / targets:.1f} per target); the scanner used"  # type: ignore[call-overload]
            f" {float(result['cpu']):.0f} s of CPU ({float(result['cpu']) / targets * 1000:.0f} ms per target).",  # type: ignore[arg-type]
        ]
    )


def update_docs(block: str) -> None:
    replace_block(DOCS, BEGIN, END, block)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--targets", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--update-docs", action="store_true", help="write the figures into docs/audit.md")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    print(f"Auditing {args.targets:,} loopback targets at --concurrency {args.concurrency}…", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        result = scan(args.targets, args.concurrency, Path(tmp))
    block = markdown(result)
    print()
    print(block)
    if args.update_docs:
        update_docs(block)


if __name__ == "__main__":
    main()
