"""``corskit check``: play the browser against a live URL and say what to fix."""

from __future__ import annotations

from typing import Annotated, Any, NoReturn

import typer
from rich.rule import Rule

from ..browser.engines import Verdicts
from ..spec.origins import MAX_URL_LENGTH, OriginError, normalize_origin, parse_url
from ..tools.check import CheckReport, check
from ..tools.diagrams import sequence
from ..tools.fixes import Stack, suggest_for_all
from ..tools.network import NetworkOptions, cookie_problem, header_problem
from ..tools.trace import clipped
from . import options
from .browsers import browsers_of, render_verdicts, verdicts_json
from .diagram import diagram_format, refuse_many, write_diagrams
from .output import Output, emit_json
from .render import render_fix, render_result, render_trace

#: The longest --timeout, in seconds (longer ones overflow the platform's socket timeouts).
MAX_TIMEOUT = 3600

EXAMPLES = """\
Examples:

  corskit check https://api.example.com/items -o https://app.example.com
  corskit check URL -o ORIGIN -X PUT -H 'Authorization: Bearer x'
  corskit check URL -o ORIGIN --credentials include --cookie 'sid=1'
  corskit check URL -o ORIGIN -X DELETE --send    # sends the DELETE too
  corskit check URL -o ORIGIN --fix-for flask-cors
"""


def proxy_problem(proxy: str) -> str | None:
    """Why *proxy* cannot be used (only http(s) proxies can), or ``None``."""
    parsed = parse_url(proxy)
    if parsed is None or not parsed.is_http:
        return f"{proxy!r} is not an http(s) proxy URL, e.g. http://proxy.example:3128"
    return None


def parse_header(text: str) -> tuple[str, str]:
    """``'Name: value'`` → (name, value); a usage error otherwise."""
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise typer.BadParameter(f"{text!r} is not a header: write it as 'Name: value'", param_hint="-H/--header")
    name, value = name.strip(), value.strip(" \t")
    if (problem := header_problem(name, value)) is not None:
        raise typer.BadParameter(problem, param_hint="-H/--header")
    return name, value


def _not_http(url: str) -> str:
    """What is wrong with a URL that cannot be checked, and what to write instead."""
    if len(url) > MAX_URL_LENGTH:
        return f"{clipped(url, 80)!r} is longer than {MAX_URL_LENGTH:,} characters: corskit checks shorter URLs"
    looks_like_a_host = "://" not in url and not any(c.isspace() for c in url)
    schemeless = parse_url(f"http://{url}") if looks_like_a_host else None
    if schemeless is not None:
        return f"{url!r} has no scheme: write http://{url} or https://{url}"
    if parse_url(url) is None:
        return f"{url!r} is not a valid URL (a browser's fetch() would throw)"
    return f"{url!r} is not an http(s) URL: check fetches http:// and https:// URLs"


def render_report(out: Output, report: CheckReport, fix_for: Stack | None) -> None:
    """The trace, the verdict, Chromium's message, the notes and the fix."""
    g = out.glyphs
    if report.network_error is not None:
        if report.result is not None and report.result.exchanges:  # what was answered before the failure
            render_trace(out, report.result)
        error = report.network_error
        out.line((f"{g.bad} NETWORK ERROR", "bold red"), f"  {error.kind}")
        out.prose((error.message, "red"))
        out.prose("This is not a CORS verdict: the browser would get no response at all.", indent=2)
    elif report.result is not None:
        render_result(out, report.result)
    for note in report.notes:
        out.prose(("! ", "yellow"), (note, "yellow"), hang=2)
    if report.fix is not None:
        render_fix(out, report.fix, stack=fix_for, snippet=True)


def _report_all(reports: dict[str, CheckReport], origin: str, fix_for: Stack | None, as_json: bool) -> NoReturn:
    """``--browser all``: the verdicts side by side, why they differ, and one fix for every browser."""
    results = {name: r.result for name, r in reports.items() if r.result is not None}
    first = next(iter(reports.values()))
    verdicts = Verdicts(first.request, results)
    fix = suggest_for_all(results, normalize_origin(origin).serialize(), first.request)
    if as_json:
        data = verdicts_json(verdicts)
        for name, report in reports.items():
            data[name] = report.to_json(fix_for=fix_for)
        data["fix"] = None if fix is None else fix.to_json(fix_for)
        emit_json(data)
    else:
        out = Output()
        render_verdicts(out, verdicts, fix, fix_for)
        for note in sorted({note for r in reports.values() for note in r.notes}):
            out.prose(("! ", "yellow"), (note, "yellow"), hang=2)
    raise typer.Exit(0 if verdicts.allowed else 1)


def _report_unanswered(reports: dict[str, CheckReport], fix_for: Stack | None, as_json: bool) -> NoReturn:
    """``--browser all`` when a browser got no answer: no verdicts to compare. ``--json`` keeps its shape (one
    object per browser, ``agree`` null); the report is the network error. Exit 2, as for one browser."""
    if as_json:
        data: dict[str, Any] = {name: r.to_json(fix_for=fix_for) for name, r in reports.items()}
        data.update(agree=None, differences=[], fix=None)
        emit_json(data)
    else:
        _render_unanswered(Output(), reports, fix_for)
    raise typer.Exit(max(r.exit_code for r in reports.values()))


def _render_unanswered(out: Output, reports: dict[str, CheckReport], fix_for: Stack | None) -> None:
    """One network error that every browser hit is shown once, and said to apply to all; otherwise each
    browser's report under its name (one may have been answered while another was not)."""
    errors = {(e.kind, e.message) if (e := r.network_error) else None for r in reports.values()}
    if len(errors) == 1 and None not in errors:
        render_report(out, next(iter(reports.values())), fix_for)
        out.prose(f"Every browser ({', '.join(reports)}) got this network error.", indent=2)
        return
    for number, (name, report) in enumerate(reports.items()):
        if number:
            out.blank()
        out.print(Rule(out.text((name, "bold")), align="left"))
        render_report(out, report, fix_for)


def check_command(
    url: Annotated[str, typer.Argument(help="The URL script would fetch.", metavar="URL")],
    origin: Annotated[str, typer.Option("--origin", "-o", help="The page's origin, e.g. https://app.example.com")],
    method: Annotated[str, typer.Option("--method", "-X", help="Request method.")] = "GET",
    header: Annotated[
        list[str] | None, typer.Option("--header", "-H", help="Request header 'Name: value' (repeatable).")
    ] = None,
    credentials: options.CredentialsOption = "same-origin",
    cookie: Annotated[
        str | None,
        typer.Option("--cookie", help="Cookie header the browser holds (sent only with --credentials include)."),
    ] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for each response.")] = 10.0,
    insecure: Annotated[bool, typer.Option("--insecure", "-k", help="Do not verify TLS certificates.")] = False,
    proxy: Annotated[str | None, typer.Option("--proxy", help="HTTP(S) proxy URL.")] = None,
    send_actual: Annotated[
        bool, typer.Option("--send", help="Also send a non-GET/HEAD actual request (it has side effects).")
    ] = False,
    fix_for: options.FixForOption = None,
    as_json: options.JsonOption = False,
    diagram: options.DiagramOption = None,
    diagram_out: options.DiagramOutOption = None,
    browser: options.BrowserOption = options.BrowserChoice.chromium,
) -> None:
    """Check a live URL as a browser on ORIGIN would fetch it: trace, verdict, the browser's message and the fix
    (--browser all: each browser sends its own requests; verdicts side by side, one fix for all)."""
    try:
        normalize_origin(origin)
    except OriginError as error:
        raise typer.BadParameter(str(error), param_hint="--origin") from None
    parsed = parse_url(url)
    if parsed is None or not parsed.is_http:
        raise typer.BadParameter(_not_http(url), param_hint="URL")
    if proxy is not None and (problem := proxy_problem(proxy)) is not None:
        raise typer.BadParameter(problem, param_hint="--proxy")
    if not 0 < timeout <= MAX_TIMEOUT:
        raise typer.BadParameter(f"must be more than 0 and at most {MAX_TIMEOUT} seconds", param_hint="--timeout")
    fmt = diagram_format(diagram, diagram_out, as_json=as_json)
    engines = browsers_of(browser)
    refuse_many(fmt, len(engines), f"{len(engines)} browsers")
    headers = [parse_header(h) for h in header or []]
    if cookie is not None and (problem := cookie_problem(cookie)):
        raise typer.BadParameter(problem, param_hint="--cookie")
    network = NetworkOptions(timeout=timeout, verify=not insecure, proxy=proxy, cookie=cookie)
    reports = {
        name: check(
            url,
            origin,
            method=method,
            headers=headers,
            credentials=credentials,
            send_actual=send_actual,
            options=network,
            browser=name,
        )
        for name in engines
    }
    report = next(iter(reports.values()))
    worst = max(r.exit_code for r in reports.values())
    if fmt is not None:  # one diagram per browser (a network error draws nothing: the report says why)
        pictures = [
            sequence(r.origin, r.request, r.result, fix=r.fix)
            for r in reports.values()
            if r.result is not None and r.network_error is None
        ]
        write_diagrams(fmt, diagram_out, pictures, title=pictures[0].title if pictures else "corskit check")
        if diagram_out is None and pictures:
            raise typer.Exit(worst)
    if len(reports) > 1:
        if all(r.network_error is None and r.result is not None for r in reports.values()):
            _report_all(reports, origin, fix_for, as_json)
        _report_unanswered(reports, fix_for, as_json)
    if as_json:
        emit_json(report.to_json(fix_for=fix_for))
    else:
        render_report(Output(), report, fix_for)
    raise typer.Exit(report.exit_code)


def register(app: typer.Typer) -> None:
    app.command(
        "check", help="Check a live URL as a browser on --origin would fetch it, and say what to fix.", epilog=EXAMPLES
    )(check_command)
