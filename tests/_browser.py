"""What tests/test_browser.py and tests/test_pages.py need of the machine, checked in one place: Debian's Chromium
($LAYERED_GAN_CHROMIUM, default /usr/bin/chromium) and the playwright package. Both tests skip, with the reason, when
either is missing, unless LAYERED_GAN_REQUIRE_BROWSER=1 (CI) makes that a failure."""
import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("LAYERED_GAN_CHROMIUM", "/usr/bin/chromium")
REQUIRE = os.environ.get("LAYERED_GAN_REQUIRE_BROWSER", "") not in ("", "0")


def missing() -> list[str]:
    "What the browser tests lack on this machine (empty: they can run)."
    out = []
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        out.append(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        out.append("the playwright package is missing (pip install playwright; no `playwright install` needed)")
    return out


def skip_mark(what: str):
    "A module `pytestmark` that skips `what` when something is missing and it is not required; else None."
    gone = missing()
    if gone and not REQUIRE:
        return pytest.mark.skip(reason=f"{what}: " + "; ".join(gone) + " (set LAYERED_GAN_REQUIRE_BROWSER=1 to make this a failure)")
    return None
