"""The rendered pages (scripts/build_pages.py) as a reader opens them: built into a temporary folder from the
committed chapters, then every page opened in Debian's headless Chromium (Playwright, file:// URLs, requests to the
network refused: a static host may be offline too). Each page must load, show every picture it holds, hold at least
as many pictures as its notebook has saved figures, and every link on it must lead to a page or file that exists
(anchors: to an element of that page). The contents page must link every chapter.

Skipped like tests/test_browser.py when Chromium or playwright is missing (a failure with
LAYERED_GAN_REQUIRE_BROWSER=1)."""
import json, subprocess, sys
from pathlib import Path
from urllib.parse import urlparse, unquote

import pytest

from _browser import CHROMIUM, missing, skip_mark

REPO = Path(__file__).resolve().parent.parent
NBS = REPO / "nbs"
MISSING = missing()
pytestmark = skip_mark("pages test") or []

CHAPTERS = sorted(p.stem for p in NBS.glob("*.ipynb") if p.stem != "index")

_JS_PAGE = """() => {
  const imgs = Array.from(document.images);
  return {
    title: document.title,
    images: imgs.length,
    broken: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => (i.getAttribute('src') || '').slice(0, 80)),
    links: Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href')),
    ids: Array.from(document.querySelectorAll('[id]')).map(e => e.id),
    text: document.body.innerText.length,
  };
}"""


def saved_figures(chapter: str) -> int:
    nb = json.loads((NBS / f"{chapter}.ipynb").read_text())
    return sum("image/png" in o.get("data", {}) for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"])


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    if MISSING: pytest.fail("LAYERED_GAN_REQUIRE_BROWSER is set but: " + "; ".join(MISSING))
    out = tmp_path_factory.mktemp("pages") / "site"
    r = subprocess.run([sys.executable, str(REPO / "scripts" / "build_pages.py"), str(out)], capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    print(r.stdout)
    return out


@pytest.fixture(scope="module")
def page(pages, tmp_path_factory):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        pg = b.new_page()
        pg.route("**/*", lambda route: route.abort() if route.request.url.startswith("http") else route.continue_())
        try: yield pg
        finally: b.close()


def open_page(pg, path: Path) -> dict:
    pg.goto(path.as_uri(), wait_until="load", timeout=60_000)
    return pg.evaluate(_JS_PAGE)


def bad_links(info: dict, path: Path) -> list[str]:
    out = []
    for href in info["links"]:
        u = urlparse(href)
        if u.scheme in ("http", "https", "mailto"): continue
        if not u.path:                                     # an anchor on this page
            if u.fragment and not {u.fragment, unquote(u.fragment)} & set(info["ids"]): out.append(f"{href}: no such anchor")
            continue
        target = (path.parent / unquote(u.path)).resolve()
        if not target.exists(): out.append(f"{href}: {target} does not exist")
    return out


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_page(chapter, pages, page):
    path = pages / "nbs" / f"{chapter}.html"
    assert path.is_file(), f"no page for {chapter}"
    info = open_page(page, path)
    figures = saved_figures(chapter)
    print(f"{chapter}: {info['images']} pictures ({figures} saved figures), {len(info['links'])} links")
    assert info["text"] > 500, f"{chapter}: the page is (nearly) empty"
    assert not info["broken"], f"{chapter}: pictures that do not show: {info['broken']}"
    assert info["images"] >= figures, f"{chapter}: {info['images']} pictures on the page, {figures} saved figures"
    assert "../index.html" in info["links"], f"{chapter}: no link to the contents"
    assert not bad_links(info, path), f"{chapter}: broken links: {bad_links(info, path)}"


def test_contents_page(pages, page):
    path = pages / "index.html"
    info = open_page(page, path)
    assert not info["broken"], info["broken"]
    for ch in CHAPTERS: assert f"nbs/{ch}.html" in info["links"], f"the contents page does not link {ch}"
    assert not bad_links(info, path), bad_links(info, path)
