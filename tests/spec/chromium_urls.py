"""URLs judged by Chromium: what ``new URL(x).href`` gives, to hold ``parse_url`` / ``parse_host`` to it.

    python -m tests.spec.chromium_urls --record        # re-judge the fixed inputs, rewrite chromium_urls.json
    python -m tests.spec.chromium_urls --seed 7 -n 20000   # a random batch judged live; prints the differences

The stored file holds the fixed inputs (hosts of every kind: IPv4 and IPv6 forms, zone ids, every ASCII character
raw and escaped, a sample of Unicode, IDNA edge cases) and one seeded random batch. ``tests/spec/test_hosts.py``
checks the engine against the file everywhere, and against live Chromium on a fresh random batch where Chromium
is installed. Blink's ``new URL`` and the network stack share one canonicaliser (``url::Canonicalize``).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests._chromium import launch_chromium

if TYPE_CHECKING:
    from playwright.sync_api import Browser

STORE = Path(__file__).with_name("chromium_urls.json")

_JUDGE = """(xs) => xs.map(x => { try { return new URL(x).href; } catch (e) { return null; } })"""

_HOSTS = """[::] [::1] [1::] [1:2:3:4:5:6:7:8] [1:2:3:4:5:6:7:8:9] [1:2:3:4:5:6:7] [1:2:3:4:5:6:7::] [::1:2:3:4:5:6:7]
[1::2::3] [:1] [1:] [::ffff:1.2.3.4] [::1.2.3.4] [::1.2.3] [::1.2.3.4.5] [::1.02.3.4] [::1.256.3.4] [::0.0.0.0]
[1:2:3:4:5:6:1.2.3.4] [1:2:3:4:5:6:7:1.2.3.4] [::ffff:0x1.2.3.4] [FE80::1] [fe80::0001] [fe80::00001]
[fe80:0:0:0:0:0:0:1] [1:0:0:2:0:0:0:3] [1:0:0:2:0:0:3:4] [0:0:1:0:0:1:0:0] [::1%25eth0] [::1%eth0] [::1%] [::1%25]
[fe80::1%eth0] [fe80::1%25eth0] [::1%25lo] [::g] [] [:] [:::] [1:::2] [::1]x [::1]: [::1]:0 [::1]:65535 [::1]:65536
[::1]:+1 [::1]:0x1 [::1]:00080 [::1.2.3.4%25x] [1:2:3:4:5:6::] [::1.2.3.4:5] [0::0:0:0:0:0:0] [2001:db8::1:0:0:1]
[%3A%3A1] [::%31] [v1.x] [::1.2.3.4.] [::1.2.3.0x4] [::1.2.3.08] [1.2.3.4::] [::1.2.3.4:1] [1:2:3:4:5:6:7:8::]
[::1:2:3:4:5:6:7:8] [1::2:3:4:5:6:7:8] [::1］ ［::1] ［::1］ [：：1]
0 0x 0x0 0x. 0.0.0.0 1 1. 1.. 1..2 .1 255.255.255.255 256.0.0.0 1.2.3.256 1.2.65535 1.2.65536 1.16777215 1.16777216
4294967295 4294967296 0xffffffff 0x100000000 00 08 07 0x7f.1 0X7F.1 0x7f.0x1 1.0x 1.0xg 1.0X 0x7f.1. 0x7f.1..
1.2.3.4.5 1.2.3.4. 01.2.3.4 09.2.3.4 1e1 1.e1 a.1 a.0x1 a.0xg 1.a 1.2.3.a 1a 0x1g 0xg 99999999999999999999
0.0.0.0.0 1.2.3.4.a ..1 1.2.3.4.. 999.1.1.1 1.2.3.08 127.1 0177.0.0.1 00000000000000000000001
１.２.３.４ ١.2.3.4 1.2.3.４ %31.2.3.4 %30x7f.1 0%78.1 1%2e2 127.0.0.1%00 example.com. example..com .example.com a_b
a*b A*B a%20b xn--zca.com xn--ZCA.com XN--zca.com xn--a xn-- xn--- xn--a- a--b ab--c xn--ls8h xn--9hbcp -a a- a.-b
faß.de ς.gr a\u200db.com a\u200cb.com \u094d\u200cb.com a\u094d\u200cb.com a\u094d\u200db.com ☃.net \u0301a.com
a\u0301.com \u05d0.com \u05d0\u05d1.com \u05d0a.com \u05d0.a.com a.\u05d0 \u0627\u0661.com \u0627\u06f1\u0661.com
1\u05d0.com \u05d01.com 1.\u05d0 \u05d0.1a a1.\u05d0 -a.\u05d0 ＥＸＡＭＰＬＥ.com a\u3002b a\uff0eb a\uff61b a\u2024b
＊.com \uff05.com a\u00adb a\u034fb a\u180bb a\u180fb a\u200bb a\u2060b a\u2064b a\ufe00b a\ufeffb a\U0001bca0b
a\U0001d173b a\U000e0100b a\U000e0001b a\U000e0041b Ⅻ.com ß.com SS.com ẞ.com İ.com K.com ﬀ.com ǅ.com \u13a3.com
\uab72.com \u13f8.com xn--a.com ü.xn--a ü.xn--zca ü.xn--ZCA ü.XN--zca ü.xn-- ü.xn--ls8h ü.xn--tda xn--tda.ü ü.xn--a-
ü..a ü. ü。 .ü ü.a.. ü\ufe6a41 ü\ufe6a ü% ü%2541 ü* ü%20 \u00c1 A\u0301 *\u0301 ü%2a %2a %2A a%2ab ü\u0301 \u0301
a.\u0301b ü.- a\u3002 a\uff0e\uff0e \u2488 a\u115fb a\u17b4b \u2100 \uff1e \u1680 a\u2028b ß。%41-*\u0301 \u00ad
%c3%bc %ef%bc%85 %ff %e2%82 %zz %2 % %25 %2541"""

_LONG = [
    "a" * 63 + ".com",
    "a" * 64 + ".com",
    "a" * 300,
    ("a" * 60 + ".") * 10,
    "ü" * 63,
    "ü" * 1000,
    "ü" * 1001,
    "a" * 999 + "ü",
    "a" * 1000 + "ü",
    " " * 333 + "ü",
    " " * 334 + "ü",
    "\U0001f600" * 500,
    "\U0001f600" * 501,
    "a" * 5000,
]
_PORTS = [":", ":0", ":080", ":00080", ":65535", ":65536", ":99999999999", ":1a", ": 1", ":１", ":+1", ":-1", ":1_0"]


def fixed_inputs() -> list[str]:
    """The hand-picked cases, every ASCII character and escape in a host, and a sample of Unicode code points."""
    hosts = [h.encode("ascii", "backslashreplace").decode("unicode_escape") for h in _HOSTS.split()] + _LONG
    urls = [f"http://{h}/" for h in hosts]
    urls += [f"http://a{chr(c)}b.com/" for c in range(0x80)] + [f"http://a%{c:02X}b.com/" for c in range(0x100)]
    urls += [f"http://a{chr(c)}b.com/" for c in range(0x80, 0x30000, 151) if not 0xD800 <= c < 0xE000]
    urls += [f"http://example.com{p}/" for p in _PORTS] + ["https://a:443/", "https://[::1]:443/", "ws://a:80/"]
    return urls


# Pieces random URLs are made of: the characters that change how a URL parses, escapes, and Unicode of each kind
# (casing, compatibility forms, right-to-left, combining marks, joiners, ignored code points, full stops).
_HOST_PIECES = [*"abcxyz019.-_", "%41", "%2e", "%25", "%zz", "%c3%bc", "%ff", "0x", "0X", "ü", "ß", "ẞ", "ς", "İ"]
_HOST_PIECES += ["\u05d0", "\u0627", "\u0661", "\u06f1", "\u0301", "\u094d", "\u200c", "\u200d", "\u00ad", "。", "．"]
_HOST_PIECES += ["\u3000", " ", "*", "!", '"', "{", "~", "'", "$", "&", "(", "+", ",", ";", "=", "`", "\t", "\n"]
_HOST_PIECES += [
    "\x00",
    "\x7f",
    "ＡＢ",
    "１",
    "①",
    "℀",
    "ﬀ",
    "K",
    "☃",
    "😀",
    "\ufe0f",
    "xn--",
    "xn--zca",
    "xn--a",
    "..",
]
_V6_PIECES = ["", "0", "1", "ffff", "FFFF", "00000", "g", "1.2.3.4", "0x1.2.3.4", "1.2.3", "01.2.3.4", "%31", "１"]
_V6_PIECES += ["%25eth0", "%eth0", "1.2.3.4."]
_V4_PIECES = ["0", "1", "255", "256", "0x", "0xff", "0x100", "077", "08", "4294967295", "65535", "16777215", "", "a"]
_V4_PIECES += ["0x1g", "00000000000001"]
_REST_PIECES = [*"aZ09.-_~!$&'()*+,;=:@/?#[]\\%|^`{}<>\" \t\n\x00\x7f", "%41", "%2e", "%2E", "%25", "%zz", "%c3%bc"]
_REST_PIECES += ["ü", "😀", "\u3002", "..", ".", "//", "\\\\", "%00", "%0a", "\u00a0", "\ufeff", "\u2028"]
_SCHEMES = ["http:", "https:", "HTTP:", "ws:", "wss:", "ftp:"]


def random_urls(seed: int, count: int) -> list[str]:
    """*count* special-scheme URLs from *seed*: a third each with a random domain, IPv6 literal and IPv4 form, and a
    random remainder (port, path, query, fragment, user info, slashes of both kinds, whitespace around)."""
    rnd = random.Random(seed)
    out: list[str] = []
    for i in range(count):
        kind = i % 3
        if kind == 0:
            host = "".join(rnd.choice(_HOST_PIECES) for _ in range(rnd.randint(1, 8)))
        elif kind == 1:
            parts = [rnd.choice(_V6_PIECES) for _ in range(rnd.randint(1, 10))]
            host = parts[0] + "".join(rnd.choice([":", ":", ":", "::"]) + p for p in parts[1:])
            host = "[" + ("::" if rnd.random() < 0.3 else "") + host + ("::" if rnd.random() < 0.2 else "") + "]"
        else:
            host = ".".join(rnd.choice(_V4_PIECES) for _ in range(rnd.randint(1, 6)))
        rest = "".join(rnd.choice(_REST_PIECES) for _ in range(rnd.randint(0, 12)))
        url = rnd.choice(_SCHEMES) + rnd.choice(["//", "//", "/", "", "\\\\", "///", "/\\"]) + host + rest
        if rnd.random() < 0.2:
            url = rnd.choice([" ", "\t", "\x00", "\x1f", "\n"]) + url + rnd.choice([" ", "\x00", ""])
        out.append(url)
    return out


def judge(browser: Browser, urls: list[str]) -> list[str | None]:
    """``new URL(u).href`` in *browser* for each URL (``None`` where it throws), in one page."""
    page = browser.new_page()
    try:
        results: list[str | None] = []
        for start in range(0, len(urls), 5000):
            results += page.evaluate(_JUDGE, urls[start : start + 5000])
        return results
    finally:
        page.close()


def newer_unicode(text: str) -> bool:
    """True when *text* holds a code point this Python's Unicode database does not know (Chromium's ICU may)."""
    return any(unicodedata.category(c) == "Cn" and c not in "\ufffe\uffff" for c in text)


def load() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(STORE.read_text(encoding="utf-8"))
    return data


def differences(urls: list[str], hrefs: list[str | None]) -> list[tuple[str, str | None, str | None]]:
    from corskit.spec.origins import parse_url

    out = []
    for url, href in zip(urls, hrefs, strict=True):
        parsed = parse_url(url)
        ours = parsed.serialize() if parsed else None
        if ours != href and not newer_unicode(url):
            out.append((url, href, ours))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.spec.chromium_urls", description=__doc__.split("\n")[0])
    parser.add_argument("--record", action="store_true", help="re-judge the stored inputs and rewrite the file")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random batch (default 1)")
    parser.add_argument("-n", type=int, default=1500, help="size of the random batch (default 1500)")
    args = parser.parse_args(argv)
    urls = fixed_inputs() + random_urls(args.seed, args.n)
    with launch_chromium() as browser:
        version, hrefs = browser.version, judge(browser, urls)
    if args.record:
        cases = [[u, h] for u, h in zip(urls, hrefs, strict=True)]
        body = ",\n".join(json.dumps(c, ensure_ascii=True) for c in cases)
        STORE.write_text(f'{{"chromium": "{version}", "seed": {args.seed}, "cases": [\n{body}\n]}}\n', "utf-8")
        print(f"{len(cases)} URLs judged by Chromium {version} → {STORE}")
    diffs = differences(urls, hrefs)
    for url, href, ours in diffs[:50]:
        print(f"{url!r}\n  chromium {href!r}\n  corskit  {ours!r}")
    print(f"{len(diffs)} of {len(urls)} differ")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
