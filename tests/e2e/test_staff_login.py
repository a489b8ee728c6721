"""One door in: whichever login address a coordinator starts from (allauth's, Wagtail's
admin login, Wagtail's front-end login for restricted pages, the English ones), the
browser ends at allauth's form, then at the code step, and reaches the admin only after
the code. Before the code, the admin sends the same browser back to the code step."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, save_screenshots
from tests.portal.factories import TEST_PASSWORD, BranchFactory, current_totp_code, make_admin_user

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Where the browser starts, and the language the login speaks there.
LOGIN_ROUTES = [
    ("/accounts/login/?next=/admin/referrals/", "nl"),
    ("/admin/referrals/", "nl"),
    ("/admin/login/?next=/admin/referrals/", "nl"),
    ("/_util/login/?next=/admin/referrals/", "nl"),
    ("/en/_util/login/?next=/admin/referrals/", "en"),
    ("/en/accounts/login/?next=/admin/referrals/", "en"),
]


def test_every_login_route_asks_for_the_code_before_the_admin_opens(
    browser, browser_context_args, live_server
):
    branch = BranchFactory(name="Home-Start Utrecht", slug="utrecht", ranges=[(3500, 3585)])
    for number, (start, language) in enumerate(LOGIN_ROUTES):
        # A coordinator of their own per route: a code is accepted once per account.
        coordinator = make_admin_user(
            "coordinator", branches=[branch], email=f"coord{number}@example.org"
        )
        context = browser.new_context(**browser_context_args)
        page = context.new_page()
        try:
            page.goto(f"{live_server.url}{start}")
            expect(page).to_have_url(re.compile(r"/accounts/login/"))
            expect(page.locator("html")).to_have_attribute("lang", language)
            page.locator('input[name="login"]').fill(coordinator.email)
            page.locator('input[name="password"]').fill(TEST_PASSWORD)
            page.locator('input[name="password"]').press("Enter")
            page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
            if number == 0:
                assert_accessible(page)
                save_screenshots(page, "login-code-step")

            # The password alone opens nothing: the admin sends this browser back to the
            # login, which is still waiting for the code.
            other = context.new_page()
            other.goto(f"{live_server.url}/admin/referrals/")
            expect(other).to_have_url(re.compile(r"/accounts/(login|2fa/authenticate)/"))
            expect(other.locator('input[name="code"]')).to_be_visible()
            other.close()

            page.locator('input[name="code"]').fill(current_totp_code())
            page.locator('input[name="code"]').press("Enter")
            page.wait_for_url(re.compile(r"/admin/referrals/"))
            expect(page.get_by_role("heading", level=1).first).to_be_visible()
        finally:
            context.close()
