"""``--format html`` and ``--format markdown``: self-contained reports with a summary by severity and, per finding,
the request/response exchange, the browser's verdict and the fix. The HTML is rendered in a real headless Chromium
and read back from the DOM; the Markdown is rendered by a CommonMark parser, and that shown in Chromium too. A
hostile server's header values must stay text in both."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from corskit.audit import TargetReport
from corskit.audit.document import DocumentWriter
from corskit.audit.html import HtmlWriter
from corskit.audit.markdown import MarkdownWriter, code
from tests._chromium import chromium_browser  # noqa: F401  (the fixture)
from tests.audit.conftest import jsonl, run_audit
from tests.audit.zoo import Zoo
from tests.loopback import Seen, serve

EXHIBITS = ["reflect-credentials", "preflight-lookalike", "vary-missing", "corskit-strict", "redirect"]
HOSTILE = "<script>window.pwned=1</script><img src=x onerror=window.pwned=2>\x1b[31m*[x](javascript:alert(1))*|"


def hostile(seen: Seen) -> tuple[int, list[tuple[str, str]], bytes]:
    """Reflects any origin with credentials and puts markup, an escape sequence and Markdown in its headers."""
    origin = seen.headers.get("origin")
    headers = [("Vary", "Origin, " + HOSTILE), ("Access-Control-Expose-Headers", HOSTILE)]
    if origin:
        headers += [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true")]
    return 200, headers, b"{}"


@pytest.fixture(scope="module")
def reports(zoo: Zoo, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The same scan as HTML, Markdown and JSON Lines (the reference for the counts)."""
    out = tmp_path_factory.mktemp("reports")
    with serve(hostile) as server:
        evil = server.url + "/api?<b>q</b>"
        targets = [zoo.by_name(n).url for n in EXHIBITS]
        args = ["--proxy", zoo.proxy, "--retries", "0", "--fix-for", "flask-cors"]
        code_html, _, _ = run_audit(*targets, *args, "--format", "html", "-o", str(out / "audit.html"))
        code_md, _, _ = run_audit(*targets, *args, "--format", "markdown", "-o", str(out / "audit.md"))
        _, as_json, _ = run_audit(*targets, *args, "--json")
        # The hostile server is on loopback, not behind the zoo's proxy: a scan of its own.
        run_audit(evil, "--format", "html", "-o", str(out / "evil.html"))
        run_audit(evil, "--format", "markdown", "-o", str(out / "evil.md"))
    return {
        "html": out / "audit.html",
        "markdown": (out / "audit.md").read_text(encoding="utf-8"),
        "json": {line["target"]: line for line in jsonl(as_json)},
        "codes": (code_html, code_md),
        "evil_html": out / "evil.html",
        "evil_markdown": (out / "evil.md").read_text(encoding="utf-8"),
        "evil_target": evil,
    }


def _open(browser: Any, path: Path) -> tuple[Any, list[str]]:
    page = browser.new_context().new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(path.as_uri())
    return page, requested


@pytest.mark.chromium
def test_html_report_in_chromium_has_the_summary_evidence_verdict_and_fix(
    reports: dict[str, Any],  # first: the scan runs its own event loop before Playwright starts one
    chromium_browser: Any,  # noqa: F811
) -> None:
    page, requested = _open(chromium_browser, reports["html"])
    assert requested == [reports["html"].as_uri()]  # self-contained: nothing else is fetched
    assert page.title() == "CORS audit"
    lines = list(reports["json"].values())
    # The summary table by severity counts what the JSON Lines report holds.
    for severity in ("high", "medium", "low", "info"):
        row = page.locator("table.by-severity tr", has=page.locator(f".sev-{severity}"))
        findings, targets = row.locator("td.n").all_inner_texts()
        assert int(findings) == sum(1 for line in lines for f in line["findings"] if f["severity"] == severity)
        assert int(targets) == sum(1 for line in lines if any(f["severity"] == severity for f in line["findings"]))
    assert page.locator("table.targets tbody tr").count() == len(EXHIBITS)
    # Every finding is a section with its rule, and the reflection's evidence is the exchange on the wire.
    sections = page.locator("section.finding")
    assert sections.count() == sum(len(line["findings"]) for line in lines)
    reflect = page.locator('section.finding[data-rule="CORS-REFLECT-ANY"]')
    assert reflect.locator("pre.request").inner_text().splitlines()[1] == "Origin: http://attacker.example"
    assert "Access-Control-Allow-Credentials: true" in reflect.locator("pre.response").inner_text().splitlines()
    assert "with cookies\nthe page reads the response" in reflect.locator("dl.verdict").inner_text()
    assert "Compare the Origin header byte for byte" in reflect.locator(".fix").inner_text()
    assert 'CORS(app, origins=["' in reflect.locator("pre.config").inner_text()
    preflight = page.locator('section.finding[data-rule="CORS-PREFLIGHT-METHODS"]')
    assert preflight.locator("pre.request").inner_text().startswith("OPTIONS http://preflight-lookalike.")
    assert "the preflight passes: the browser sends the request" in preflight.locator("dl.verdict").inner_text()
    redirect = page.locator('section.finding[data-rule="CORS-REDIRECT"]')
    assert "http://reflect-credentials.zoo.example.com/api/data" in redirect.text_content()
    # Informational findings are there, folded away.
    assert page.locator("details section.finding").count() == sum(
        1 for line in lines for f in line["findings"] if f["severity"] == "info"
    )
    # The index links to each target's section.
    page.locator("table.targets a", has_text="preflight-lookalike").click()
    assert page.locator("article.target:target h3").inner_text().startswith("http://preflight-lookalike.")


@pytest.mark.chromium
def test_hostile_header_values_stay_text_in_the_html_report(
    reports: dict[str, Any],  # first: the scan runs its own event loop before Playwright starts one
    chromium_browser: Any,  # noqa: F811
) -> None:
    page, requested = _open(chromium_browser, reports["evil_html"])
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    assert requested == [reports["evil_html"].as_uri()]  # the injected <img> fetched nothing
    assert page.evaluate("window.pwned") is None
    assert page.locator("script, img, body a[href^='javascript']").count() == 0
    text = page.locator("section.finding pre.response").first.inner_text()
    assert "<script>window.pwned=1</script>" in text
    assert "\\x1b[31m" in text  # the escape sequence is shown, not interpreted
    assert reports["evil_target"] in page.locator("article.target h3").inner_text()
    assert not dialogs


def test_markdown_report_renders_the_same_content(reports: dict[str, Any]) -> None:
    from markdown_it import MarkdownIt

    text = reports["markdown"]
    rendered = MarkdownIt("commonmark").enable("table").render(text)
    lines = list(reports["json"].values())
    for severity in ("high", "medium", "low", "info"):
        findings = sum(1 for line in lines for f in line["findings"] if f["severity"] == severity)
        targets = sum(1 for line in lines if any(f["severity"] == severity for f in line["findings"]))
        assert f'<tr>\n<td>{severity}</td>\n<td style="text-align:right">{findings}</td>' in rendered
        assert f'<td style="text-align:right">{targets}</td>' in rendered
    assert text.count("\n#### ") == sum(len(line["findings"]) for line in lines)
    assert (
        "```http\nGET http://reflect-credentials.zoo.example.com/api/data HTTP/1.1\nOrigin: http://attacker.example"
        in text
    )
    assert "<h4>HIGH · CORS-PREFLIGHT-METHODS" in rendered
    assert "- with cookies: the page reads the response" in text
    assert '<code class="language-http">OPTIONS http://preflight-lookalike.' in rendered
    assert 'CORS(app, origins=["' in text
    assert all(target in rendered for target in reports["json"])
    assert reports["codes"] == (0, 0)


def test_hostile_header_values_stay_text_in_the_markdown_report(reports: dict[str, Any]) -> None:
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").enable("table").render(reports["evil_markdown"])
    # Only the report's own markup: no tag, link or image from the server's headers.
    assert "<script" not in rendered
    assert "<img" not in rendered
    assert 'href="javascript' not in rendered
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in rendered
    assert "\x1b" not in reports["evil_markdown"]
    assert "\\x1b[31m" in rendered


@pytest.mark.chromium
def test_markdown_report_rendered_in_chromium_reads_the_same(
    reports: dict[str, Any],  # first: the scan runs its own event loop before Playwright starts one
    chromium_browser: Any,  # noqa: F811
) -> None:
    """Where Markdown is read (a CI artifact viewer, a code host): rendered as CommonMark with tables, then shown in
    a real Chromium, read back from the DOM; the hostile server's values stay text there too."""
    from markdown_it import MarkdownIt

    def show(markdown: str) -> Any:
        page = chromium_browser.new_context().new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.set_content(MarkdownIt("commonmark").enable("table").render(markdown))
        assert requested == []  # self-contained: nothing is fetched
        return page

    page = show(reports["markdown"])
    lines = list(reports["json"].values())
    summary = page.locator("table").first
    for severity in ("high", "medium", "low", "info"):
        cells = summary.locator("tr", has=page.get_by_role("cell", name=severity, exact=True)).locator("td")
        findings, targets = (int(n) for n in cells.all_inner_texts()[1:3])
        assert findings == sum(1 for line in lines for f in line["findings"] if f["severity"] == severity)
        assert targets == sum(1 for line in lines if any(f["severity"] == severity for f in line["findings"]))
    assert page.locator("h4").count() == sum(len(line["findings"]) for line in lines)
    reflect = page.locator("pre code", has_text="GET http://reflect-credentials.zoo.example.com/api/data").first
    assert reflect.inner_text().splitlines()[1] == "Origin: http://attacker.example"
    assert page.get_by_text("with cookies: the page reads the response").count() >= 1
    assert page.locator("h4", has_text="CORS-PREFLIGHT-METHODS").count() == 1
    assert page.locator("pre code", has_text='CORS(app, origins=["').count() >= 1

    evil = show(reports["evil_markdown"])
    assert evil.evaluate("window.pwned") is None
    assert evil.locator("script, img, a[href^='javascript']").count() == 0
    assert "<script>window.pwned=1</script>" in evil.locator("body").inner_text()


@pytest.mark.parametrize("value", ["`", "``a``", "a`b", " ", "```"])
def test_markdown_code_spans_hold_any_backticks(value: str) -> None:
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").render(code(value)).strip()
    assert rendered.startswith("<p><code>")
    inner = rendered.removeprefix("<p><code>").removesuffix("</code></p>")
    assert inner.strip() == value.strip()


@pytest.mark.parametrize("writer", [HtmlWriter, MarkdownWriter])
def test_extra_evidence_blocks_are_placed_in_each_finding(
    writer: type[DocumentWriter], reports: dict[str, Any], tmp_path: Path
) -> None:
    from corskit.audit.findings import Finding

    finding = Finding("CORS-NULL", "null_origin_trusted", "high", "null", {"probe": "null"}, "why", "fix")
    seen: list[str] = []

    def diagram(found: Finding) -> str:
        seen.append(found.id)
        return "EXTRA-BLOCK"

    path = tmp_path / "report"
    with path.open("w", encoding="utf-8") as stream:
        document = writer(stream, extra_evidence=[diagram, lambda found: None])
        document.write(TargetReport("https://api.example.com/", None, (finding,)))
        document.close()
    text = path.read_text(encoding="utf-8")
    assert seen == ["CORS-NULL"]
    assert text.count("EXTRA-BLOCK") == 1
    assert text.index("EXTRA-BLOCK") < text.index("fix")  # in the evidence, before the fix


def test_a_document_of_many_targets_is_spooled_not_held(tmp_path: Path) -> None:
    import tracemalloc

    from corskit.audit.findings import Finding

    finding = Finding("CORS-NULL", "null_origin_trusted", "high", "null", {"probe": "null"}, "why " * 50, "fix")

    def peak(count: int) -> int:
        tracemalloc.start()
        with (tmp_path / f"r{count}.html").open("w", encoding="utf-8") as stream:
            document = HtmlWriter(stream)
            for i in range(count):
                document.write(TargetReport(f"https://t{i}.example.com/", None, (finding,)))
            _, high = tracemalloc.get_traced_memory()
            document.close()
        tracemalloc.stop()
        return high

    assert peak(5000) < 2 * peak(500) + 500_000
    html = (tmp_path / "r5000.html").read_text(encoding="utf-8")
    assert html.count('<section class="finding') == 5000
