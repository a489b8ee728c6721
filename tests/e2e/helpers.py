import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

_axe = Axe()


def assert_accessible(page) -> None:
    """axe-core finds no serious or critical violation on the current page."""
    settle_animations(page)
    results = _axe.run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]
    assert not bad, f"{page.url}:\n" + "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in bad
    )


def settle_animations(page) -> None:
    """Wait until the page's finite CSS animations and transitions have finished.

    axe measures colour contrast as the page is at that moment: a message still fading
    in (Wagtail's admin messages do) reads as too pale, and the check fails by timing."""
    page.evaluate(
        """() => Promise.all(document.getAnimations()
            .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
            .map(a => a.finished.catch(() => null)))"""
    )


def assert_lang_and_dir(page, lang: str, direction: str = "ltr") -> None:
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.evaluate("document.documentElement.dir") == direction


# Screenshots of what the portal shows, kept after every browser test run so anyone can
# look without running the site (README, "Tests and CI"). Ignored by git.
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
WIDTHS = (1280, 390)


def save_screenshots(page, name: str, *, widths: tuple[int, ...] = WIDTHS) -> list[Path]:
    """Screenshot the current page at each width (full page); the viewport is restored."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    paths = []
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        # Wagtail's admin scrolls inside <body>, which a full-page screenshot does not
        # follow: make the viewport as tall as the content instead.
        height = page.evaluate(
            "Math.max(document.documentElement.scrollHeight, document.body.scrollHeight,"
            " document.querySelector('main') ? document.querySelector('main').scrollHeight : 0)"
        )
        page.set_viewport_size({"width": width, "height": max(900, height)})
        path = SCREENSHOT_DIR / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
    if original:
        page.set_viewport_size(original)
    return paths


def assert_no_horizontal_overflow(page) -> None:
    """The document is no wider than the viewport (no sideways scrolling on a phone)."""
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{page.url}: document {widths[0]}px, viewport {widths[1]}px"


def log_in(page, live_server, email: str, *, totp: bool = False, password: str | None = None):
    """Log in through allauth's form; with `totp`, pass the code step with the test secret."""
    from tests.portal.factories import TEST_PASSWORD, current_totp_code

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Wachtwoord").fill(password or TEST_PASSWORD)
    page.keyboard.press("Enter")
    if totp:
        page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
        page.get_by_label("Code", exact=False).fill(current_totp_code())
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/admin/"))
    else:
        page.wait_for_load_state()
