"""The built front end fetches nothing at run time (docs/architecture.md, "Hosts we
cannot run here"): no CDN import, no font, wasm or worker script, no request of any kind,
so it works offline, behind VS Code's and Colab's content rules, and in saved pages.
Run after ``npm run build``; the rules are checked on bad samples too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[1] / "src" / "tokenheat" / "static"

#: URLs that may appear: XML namespace names, which identify and are never fetched.
INERT_URLS = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}

#: Browser APIs that load or send something.
FETCHING = re.compile(
    r"\bfetch\s*\(|XMLHttpRequest|importScripts|sendBeacon|\bWebSocket\b|\bEventSource\b"
    r"|\b(?:Shared)?Worker\s*\(|serviceWorker|import\.meta\.url|sourceMappingURL|@import\b"
)
URL = re.compile(r"\bhttps?://[^\s\"'`)<>\\]*", re.I)
#: A protocol-relative URL in a string: "//cdn.example.org/x.js".
RELATIVE_URL = re.compile(r"[\"'`(]\s*//[\w-]+(?:\.[\w-]+)+/", re.I)
CSS_URL = re.compile(r"(?<![\w.$])url\(\s*([^)]*)\)", re.I)
DYNAMIC_IMPORT = re.compile(r"\bimport\s*\(\s*([^)]{0,40})")


def runtime_fetches(text: str, *, module_loader: bool = False) -> list[str]:
    """What in a bundle's text could fetch something at run time (empty when nothing).

    ``module_loader``: the static-page loader (``standalone.js``) imports the widget
    module from a Blob URL it makes, or a ``data:`` URL; those two imports are allowed
    there, nowhere else.
    """
    found = [f"{m.group(0)!r} loads or sends something" for m in FETCHING.finditer(text)]
    found += [f"URL {u!r}" for u in URL.findall(text) if u not in INERT_URLS]
    found += [f"protocol-relative URL in {m.group(0)!r}" for m in RELATIVE_URL.finditer(text)]
    for m in CSS_URL.finditer(text):
        target = m.group(1).strip("\"'` ")
        if not target.startswith(("#", "data:")):
            found.append(f"CSS url({m.group(1)}) points outside the document")
    for m in DYNAMIC_IMPORT.finditer(text):
        arg = m.group(1)
        before = text[max(0, m.start() - 300) : m.start()]
        blob = re.fullmatch(r"(\w+)", arg.strip()) and "URL.createObjectURL(" in before
        data = arg.lstrip().startswith(("`data:", '"data:', "'data:"))
        if not (module_loader and (blob or data)):
            found.append(f"dynamic import({arg.strip()[:30]}...)")
    return found


def bundles() -> list[Path]:
    files = sorted([*STATIC.glob("*.js"), *STATIC.glob("*.css")])
    if not any(f.name == "widget.js" for f in files):
        pytest.fail("src/tokenheat/static/widget.js is missing: run `npm run build`")
    return files


def test_the_built_bundles_fetch_nothing_at_run_time() -> None:
    files = bundles()
    assert {f.name for f in files} >= {"widget.js", "standalone.js"}
    for f in files:
        found = runtime_fetches(f.read_text(), module_loader=f.name == "standalone.js")
        assert not found, (
            f"{f.name} may fetch at run time: {found}. The front end must be self-contained "
            "(docs/architecture.md); add a URL to INERT_URLS only if nothing ever loads it"
        )


def test_the_loader_imports_the_module_from_a_blob_or_data_url_only() -> None:
    text = (STATIC / "standalone.js").read_text()
    imports = DYNAMIC_IMPORT.findall(text)
    assert len(imports) == 2, imports  # the Blob URL, then the data: URL fallback
    assert "URL.createObjectURL(" in text


@pytest.mark.parametrize(
    "bad",
    [
        'import("https://cdn.jsdelivr.net/npm/d3@7/+esm")',
        "const d3 = await import(`https://esm.sh/d3`)",
        "await import(u)",  # a URL made at run time, outside the loader
        'fetch("https://example.org/data.bin")',
        "e=await fetch(t)",
        "new XMLHttpRequest",
        'new Worker("worker.js")',
        "new Worker(new URL('./w.js', import.meta.url))",
        "@font-face{src:url(https://fonts.gstatic.com/s/a.woff2)}",
        '@import "https://fonts.googleapis.com/css2?family=Inter";',
        ".x{background:url(img/bg.png)}",
        'img.src="https://example.org/pixel.gif"',
        's.src="//cdn.example.org/lib.js"',
        "navigator.sendBeacon(u,d)",
        "//# sourceMappingURL=widget.js.map",
    ],
)
def test_the_rules_catch_a_fetch(bad: str) -> None:
    assert runtime_fetches(f"let a=1;{bad};let b=2;", module_loader=False)


@pytest.mark.parametrize(
    "fine",
    [
        'document.createElementNS("http://www.w3.org/2000/svg","svg")',
        '"clip-path":"url(#tokenheat-plot)"',
        "background:url(data:image/png;base64,iVBORw0KGgo=)",
        "a.href=URL.createObjectURL(blob)",
        "x = a // b / 2",
    ],
)
def test_the_rules_let_inert_text_pass(fine: str) -> None:
    assert runtime_fetches(fine) == []
