"""The weekly visit question and the concern notice through a real SMTP server
(aiosmtpd), and a scan of everything that leaves the portal during the whole route
(e-mails, log records, agenda feed, URLs) for the family's name, phone and address."""

from __future__ import annotations

import datetime
import logging
import re

import pytest
from django.test import Client
from django.utils import timezone

from support import registry_hooks, services
from support.models import EndReason, Visit
from support.referrals.models import ReferralStatus
from tests.support.conftest import FAMILY_ADDRESS, FAMILY_FIRST_NAME, FAMILY_SECRETS

pytestmark = [pytest.mark.django_db, pytest.mark.smtp]
TODAY = timezone.localdate


def text_of(received) -> str:
    message = received.message
    return f"{message['Subject']}\n{message.get_body(('plain',)).get_content()}"


def test_weekly_question_over_smtp_with_working_one_tap_links(
    smtp_server, running_match, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.queue_weekly_visit_questions() == 1
    (received,) = smtp_server.messages_to(running_match.volunteer.email)
    text = text_of(received)
    assert "Was je deze week bij het gezin?" in text
    for secret in FAMILY_SECRETS:
        assert secret not in text
    links = re.findall(r"https?://\S+/gezin/week/\S+", text)
    assert len(links) == 3
    done = next(link for link in links if link.endswith("antwoord=gedaan"))
    path = done.split("://", 1)[1].split("/", 1)[1]
    client = Client()
    form_path = "/" + path.split("?")[0]
    assert client.get("/" + path).status_code == 200
    assert client.post(form_path, {"antwoord": "gedaan"}).status_code == 200
    assert client.post(form_path, {"antwoord": "gedaan"}).status_code == 200  # replayed
    assert Visit.objects.count() == 1

    # Logged this week: next time, no question; opted out: none either.
    smtp_server.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.queue_weekly_visit_questions() == 0
    assert smtp_server.messages == []


def test_whole_route_leaks_no_family_data_into_mail_logs_feeds_or_urls(
    smtp_server,
    family_referral,
    active_volunteer,
    coordinator,
    caplog,
    django_capture_on_commit_callbacks,
):
    caplog.set_level(logging.DEBUG)
    urls: list[str] = []
    today = TODAY()
    coordinator_client = Client()
    coordinator_client.force_login(coordinator)
    volunteer_client = Client()
    volunteer_client.force_login(active_volunteer.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            f"/admin/koppelingen/zoeken/{family_referral.pk}/",
            {"volunteer": active_volunteer.pk, "programme": "home_start"},
        )
        urls.append(response["Location"])
    match = family_referral.matches.get()
    with django_capture_on_commit_callbacks(execute=True):
        match.family_first_name, match.family_address = FAMILY_FIRST_NAME, FAMILY_ADDRESS
        match.save()
        services.record_introduction(match=match, on=today, by=coordinator)
        services.start_match(match=match, on=today, by=coordinator)
        response = volunteer_client.post(
            f"/gezin/{match.pk}/bezoek/",
            {"kind": "done", "date": today.isoformat(), "minutes": "180"},
        )
        urls.append(response["Location"])
        response = volunteer_client.post(f"/gezin/{match.pk}/zorgen/")
        urls.append(response["Location"])
    page = volunteer_client.get("/mijn/").content.decode()
    assert FAMILY_ADDRESS in page  # the volunteer sees it, on the page only
    # The addresses the page links to (a tel: link is the phone number itself, on the page).
    urls += [u for u in re.findall(r'(?:href|action)="([^"]+)"', page) if not u.startswith("tel:")]
    concern = match.concerns.get()
    coordinator_client.get(f"/admin/zorgmeldingen/{concern.pk}/")
    services.close_concern(concern=concern, by=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_weekly_visit_questions(today=today + datetime.timedelta(days=7))
    with django_capture_on_commit_callbacks(execute=True):
        services.end_match(
            match=match,
            on=today,
            reason=EndReason.GOALS_REACHED,
            closing_talk_on=today,
            outcomes=dict.fromkeys(family_referral.support_questions, "reached"),
            network_grew=True,
            by=coordinator,
        )
    family_referral.refresh_from_db()
    assert family_referral.status == ReferralStatus.SUPPORT_ENDED
    start = timezone.now() - datetime.timedelta(days=1)
    feed = registry_hooks.check_in_agenda(
        branch_ids=[family_referral.branch_id],
        start=start,
        end=start + datetime.timedelta(days=400),
    )

    mails = [text_of(m) for m in smtp_server.messages]
    # started + ended (referrer), concern (coordinator), weekly question (volunteer)
    assert len(mails) >= 4
    logs = [record.getMessage() for record in caplog.records]
    outgoing = {"mail": mails, "log": logs, "feed": [repr(item) for item in feed], "url": urls}
    for where, texts in outgoing.items():
        for text in texts:
            for secret in FAMILY_SECRETS:
                assert secret not in text, f"{secret!r} in a {where}: {text[:200]}"
