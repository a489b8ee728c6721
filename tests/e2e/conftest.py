"""Browser tests: Playwright driving Debian's chromium (Playwright's own download
does not work here). Without chromium they skip, except in CI, where they fail."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def pytest_runtest_setup(item):
    # A hook, not a fixture: it must run before pytest-playwright's session-wide
    # `browser` fixture tries to launch a browser that is not there.
    if "e2e" not in item.keywords or CHROMIUM:
        return
    if IN_CI:
        pytest.fail(
            "Debian's chromium is not installed; CI must install it (apt-get install chromium)."
        )
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium): browser test skipped."
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--disable-quic",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "nl-NL",
        "timezone_id": "Europe/Amsterdam",
        # Fewer animations in flight when axe measures contrast (see settle_animations).
        "reduced_motion": "reduce",
    }


@pytest.fixture(autouse=True)
def _no_content_security_policy_violations(request):
    """A script or style the Content-Security-Policy blocks fails the browser test."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    violations: list[str] = []

    def record(message):
        if "Content Security Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", record)
    yield
    assert not violations, "Blocked by the Content-Security-Policy:\n" + "\n".join(violations)
