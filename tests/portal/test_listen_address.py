"""Demo mode listens on this machine only; rate limits count the client behind the
trusted proxies (ALLAUTH_TRUSTED_PROXY_COUNT)."""

from __future__ import annotations

from unittest import mock

import pytest
from allauth.account.adapter import get_adapter
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from portal.management.commands.runserver import Command as RunserverCommand
from portal.management.commands.runserver import address_of, is_loopback
from tests.portal.test_settings import run_manage


@pytest.mark.parametrize(
    "addrport", ["0.0.0.0:8000", "0:8000", "192.168.1.20:8000", "[::]:8000", "example.org:80"]
)
def test_demo_mode_refuses_an_address_others_can_reach(settings, addrport):
    settings.DEMO_MODE = True
    settings.DEMO_ALLOW_REMOTE = False
    with (
        mock.patch("subprocess.Popen") as popen,
        pytest.raises(CommandError, match="DEMO_ALLOW_REMOTE"),
    ):
        call_command("run_portal", addrport)
    popen.assert_not_called()  # no task cluster started either
    with (
        mock.patch.object(RunserverCommand, "inner_run") as serve,
        pytest.raises(CommandError, match="DEMO_ALLOW_REMOTE"),
    ):
        call_command("runserver", addrport, use_reloader=False, skip_checks=True)
    serve.assert_not_called()


@pytest.mark.parametrize("addrport", ["127.0.0.1:8000", "8000", "localhost:8000", "[::1]:8000"])
def test_demo_mode_serves_on_this_machine(settings, addrport):
    settings.DEMO_MODE = True
    settings.DEMO_ALLOW_REMOTE = False
    with mock.patch.object(RunserverCommand, "inner_run") as serve:
        call_command("runserver", addrport, use_reloader=False, skip_checks=True)
    serve.assert_called_once()


def test_an_explicit_setting_or_no_demo_mode_allows_another_address(settings):
    settings.DEMO_MODE = True
    settings.DEMO_ALLOW_REMOTE = True
    with mock.patch.object(RunserverCommand, "inner_run") as serve:
        call_command("runserver", "0.0.0.0:8000", use_reloader=False, skip_checks=True)
    serve.assert_called_once()
    settings.DEMO_MODE = False
    settings.DEMO_ALLOW_REMOTE = False
    with mock.patch.object(RunserverCommand, "inner_run") as serve:
        call_command("runserver", "0.0.0.0:8000", use_reloader=False, skip_checks=True)
    serve.assert_called_once()


def test_address_parsing():
    assert address_of("8000") == "127.0.0.1"
    assert address_of("0:8000") == "0.0.0.0"  # noqa: S104
    assert address_of("[::1]:8000") == "[::1]"
    assert is_loopback("[::1]") and is_loopback("127.0.0.2") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0")  # noqa: S104
    assert not is_loopback("[::]") and not is_loopback("host")


def test_the_trusted_proxy_count_comes_from_the_environment():
    code = "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    assert _last_line(run_manage("shell", "-c", code, ALLAUTH_TRUSTED_PROXY_COUNT="2")) == "2"
    assert _last_line(run_manage("shell", "-c", code)) == "0"


def _last_line(result) -> str:
    return result.stdout.strip().splitlines()[-1]


def test_rate_limits_count_the_address_the_trusted_proxy_saw(settings):
    request = RequestFactory().get(
        "/accounts/login/",
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7",
    )
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert get_adapter(request).get_client_ip(request) == "10.0.0.5"  # a forged header counts not
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert get_adapter(request).get_client_ip(request) == "203.0.113.7"
