"""The newsletter's URLs: the permission matrix, the admin screens, unsubscribing,
the archive and Mijn Home-Start, bad input (hypothesis) and query counts."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from newsletter import services
from newsletter.models import Audience, Delivery, DeliveryStatus, Send, SendStatus, Subscription
from newsletter.rendering import unsubscribe_token
from portal.models import Volunteer
from tests.matrix import DENIED, LOGIN, assert_access
from tests.newsletter.factories import make_newsletter, make_volunteers

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch_newsletter(branch, coordinator, volunteer):
    volunteer.status = "active"
    volunteer.save()
    return make_newsletter(branches=[branch], owner=coordinator, title="Utrechts nieuws")


@pytest.fixture
def sent(branch_newsletter, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.schedule_send(page_id=branch_newsletter.pk, user=coordinator)


def test_permission_matrix_public_and_volunteer_urls(client_for, volunteer):
    token = unsubscribe_token(volunteer.user.pk)
    cases = [
        (reverse("newsletter:archive"), "get", [LOGIN, 200, 200, 200, 200]),
        (reverse("newsletter:change_subscription"), "post", [LOGIN, 302, 302, 302, 302]),
        (reverse("newsletter:unsubscribe", args=[token]), "get", [200] * 5),
        (reverse("newsletter:one_click_unsubscribe", args=[token]), "get", [405] * 5),
        (reverse("newsletter:one_click_unsubscribe", args=[token]), "post", [200] * 5),
        (reverse("newsletter:unsubscribe", args=["1:forged"]), "get", [404] * 5),
        (reverse("newsletter:one_click_unsubscribe", args=["1:forged"]), "post", [404] * 5),
    ]
    for url, method, expected in cases:
        for role, outcome in zip(
            ("anonymous", "volunteer", "coordinator", "other_coordinator", "staff"),
            expected,
            strict=True,
        ):
            assert_access(client_for(role), url, outcome, role=role, method=method)


def test_permission_matrix_admin_screens(client_for, branch_newsletter, sent):
    page_id, send_id = branch_newsletter.pk, sent.pk
    cases = [
        (reverse("newsletter_admin:sends"), "get", [LOGIN, 403, 200, 200, 200]),
        # A sent newsletter's send screen shows its progress instead.
        (reverse("newsletter_admin:send", args=[page_id]), "get", [LOGIN, 403, 302, DENIED, 302]),
        (
            reverse("newsletter_admin:send_test", args=[page_id]),
            "post",
            [LOGIN, 403, 302, DENIED, 302],
        ),
        (reverse("newsletter_admin:progress", args=[send_id]), "get", [LOGIN, 403, 200, 404, 200]),
        (
            reverse("newsletter_admin:progress_json", args=[send_id]),
            "get",
            [LOGIN, 403, 200, 404, 200],
        ),
        (reverse("newsletter_admin:cancel", args=[send_id]), "post", [LOGIN, 403, 302, 404, 302]),
        (
            reverse("newsletter_admin:resend_uncertain", args=[send_id]),
            "post",
            [LOGIN, 403, 302, 404, 302],
        ),
    ]
    for url, method, expected in cases:
        for role, outcome in zip(
            ("anonymous", "volunteer", "coordinator", "other_coordinator", "staff"),
            expected,
            strict=True,
        ):
            assert_access(client_for(role), url, outcome, role=role, method=method)


def test_editor_of_public_pages_cannot_send(client, editor, branch_newsletter):
    client.force_login(editor)
    url = reverse("newsletter_admin:send", args=[branch_newsletter.pk])
    assert_access(client, url, DENIED, role="editor")
    assert_access(client, reverse("newsletter_admin:sends"), DENIED, role="editor")


def test_send_screen_shows_the_audience_size_and_sends_now(
    client, coordinator, branch, branch_newsletter, unsubscribe, django_capture_on_commit_callbacks
):
    people = make_volunteers(branch, 4)
    unsubscribe(people[0])
    client.force_login(coordinator)
    url = reverse("newsletter_admin:send", args=[branch_newsletter.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'data-receiving="4"' in response.content.decode()  # 4 + the fixture's volunteer - 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"when": "now", "confirm": "on"})
    send = Send.objects.get(page=branch_newsletter)
    assert response.status_code == 302 and response["Location"].endswith(f"/verzending/{send.pk}/")
    send.refresh_from_db()
    assert send.status == SendStatus.DONE
    progress = client.get(response["Location"])
    assert progress.status_code == 200
    data = client.get(reverse("newsletter_admin:progress_json", args=[send.pk])).json()
    assert data["sent"] == 4 and data["skipped"] == 1 and data["left"] == 0
    assert data["percent"] == 100 and data["finished"] is True


def test_send_later_waits_for_its_time_and_can_be_cancelled(client, coordinator, branch_newsletter):
    client.force_login(coordinator)
    url = reverse("newsletter_admin:send", args=[branch_newsletter.pk])
    at = timezone.localtime() + datetime.timedelta(days=1)
    data = {"when": "later", "send_at": at.strftime("%Y-%m-%dT%H:%M"), "confirm": "on"}
    response = client.post(url, data)
    assert response.status_code == 302
    send = Send.objects.get(page=branch_newsletter)
    assert send.status == SendStatus.SCHEDULED
    services.resume_sends()
    send.refresh_from_db()
    assert send.status == SendStatus.SCHEDULED and not send.deliveries.exists()
    response = client.post(reverse("newsletter_admin:cancel", args=[send.pk]))
    send.refresh_from_db()
    assert send.status == SendStatus.CANCELLED


def test_scheduled_send_starts_when_due(
    time_machine, coordinator, branch_newsletter, mailoutbox, django_capture_on_commit_callbacks
):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    send = services.schedule_send(
        page_id=branch_newsletter.pk, user=coordinator, send_at=now + datetime.timedelta(hours=2)
    )
    time_machine.move_to(now + datetime.timedelta(hours=2, minutes=1), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.resume_sends()
    send.refresh_from_db()
    assert send.status == SendStatus.DONE
    assert len(mailoutbox) == 1


def test_a_newsletter_is_sent_once(coordinator, branch_newsletter, sent):
    with pytest.raises(services.ServiceError) as error:
        services.schedule_send(page_id=branch_newsletter.pk, user=coordinator)
    assert error.value.code == "already_sent"


def test_unpublished_newsletter_is_not_sent(coordinator, branch, volunteer):
    page = make_newsletter(branches=[branch], owner=coordinator, live=False)
    with pytest.raises(services.ServiceError) as error:
        services.schedule_send(page_id=page.pk, user=coordinator)
    assert error.value.code == "not_live"


def test_another_branchs_coordinator_cannot_send_by_the_service(
    other_branch_coordinator, branch_newsletter
):
    with pytest.raises(services.ServiceError) as error:
        services.schedule_send(page_id=branch_newsletter.pk, user=other_branch_coordinator)
    assert error.value.code == "not_allowed"


def test_invalid_send_form_is_shown_again_with_400(client, coordinator, branch_newsletter):
    client.force_login(coordinator)
    url = reverse("newsletter_admin:send", args=[branch_newsletter.pk])
    response = client.post(url, {"when": "later", "send_at": "gisteren", "confirm": "on"})
    assert response.status_code == 400
    past = (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"when": "later", "send_at": past, "confirm": "on"})
    assert response.status_code == 400
    assert "Kies een moment in de toekomst." in response.content.decode()
    assert not Send.objects.exists()


def test_sending_asks_to_confirm_with_the_number_of_people(
    client, coordinator, branch, branch_newsletter
):
    make_volunteers(branch, 2)
    client.force_login(coordinator)
    url = reverse("newsletter_admin:send", args=[branch_newsletter.pk])
    page = client.get(url).content.decode()
    assert "Ja, verstuur deze nieuwsbrief aan 3 personen." in page
    response = client.post(url, {"when": "now"})
    assert response.status_code == 400
    assert "Vink aan dat je de nieuwsbrief echt wilt versturen." in response.content.decode()
    assert not Send.objects.exists()


def test_failed_and_uncertain_addresses_are_listed_after_sending(client, staff, sent):
    Delivery.objects.filter(send=sent).update(
        status=DeliveryStatus.FAILED, answer="550 Mailbox unavailable"
    )
    client.force_login(staff)
    html = client.get(reverse("newsletter_admin:progress", args=[sent.pk])).content.decode()
    assert "550 Mailbox unavailable" in html and "failed-list" in html
    Delivery.objects.filter(send=sent).update(status=DeliveryStatus.UNCERTAIN)
    html = client.get(reverse("newsletter_admin:progress", args=[sent.pk])).content.decode()
    assert "uncertain-list" in html


def test_unsubscribe_page_confirms_or_keeps_the_subscription(client, volunteer):
    url = reverse("newsletter:unsubscribe", args=[unsubscribe_token(volunteer.user.pk)])
    assert client.get(url).status_code == 200
    assert client.post(url, {"subscribed": "0"}).status_code == 200
    assert Subscription.objects.get(user=volunteer.user).subscribed is False
    client.post(url, {"subscribed": "1"})
    assert Subscription.objects.get(user=volunteer.user).subscribed is True
    assert client.post(url, {"subscribed": "maybe"}).status_code == 400


def test_resubscribe_in_mijn_home_start(client, volunteer, unsubscribe, sent):
    unsubscribe(volunteer.user)
    client.force_login(volunteer.user)
    mijn = client.get(reverse("portal:mijn")).content.decode()
    assert "Weer aanmelden voor de nieuwsbrief" in mijn
    assert "Utrechts nieuws" in mijn  # the latest newsletters
    client.post(reverse("newsletter:change_subscription"), {"subscribed": "1"})
    assert services.is_subscribed(volunteer.user)


def test_archive_lists_sent_newsletters_newest_first_for_the_reader(
    client,
    volunteer,
    other_volunteer,
    coordinator,
    staff,
    branch,
    other_branch,
    django_capture_on_commit_callbacks,
):
    older = make_newsletter(branches=[branch], title="Ouder nieuws")
    newer = make_newsletter(audience=Audience.ALL_VOLUNTEERS, title="Nieuwer nieuws")
    other = make_newsletter(branches=[other_branch], title="Zwols nieuws")
    make_newsletter(branches=[branch], title="Nooit verstuurd")
    for number, page in enumerate([older, other, newer]):
        Send.objects.create(
            page=page,
            subject=page.subject,
            status=SendStatus.DONE,
            scheduled_at=timezone.now(),
            started_at=timezone.now() + datetime.timedelta(minutes=number),
        )
    # The newsletters go to active volunteers: both readers are in their audience.
    Volunteer.objects.filter(pk__in=[volunteer.pk, other_volunteer.pk]).update(status="active")
    client.force_login(volunteer.user)
    html = client.get(reverse("newsletter:archive")).content.decode()
    assert html.index("Nieuwer nieuws") < html.index("Ouder nieuws")
    assert "Zwols nieuws" not in html and "Nooit verstuurd" not in html
    client.force_login(other_volunteer.user)
    html = client.get(reverse("newsletter:archive")).content.decode()
    assert "Zwols nieuws" in html and "Ouder nieuws" not in html


def _sends(count, branch):
    for number in range(count):
        page = make_newsletter(branches=[branch], title=f"Nummer {number}")
        Send.objects.create(
            page=page,
            subject=page.subject,
            status=SendStatus.DONE,
            scheduled_at=timezone.now(),
            started_at=timezone.now(),
        )


def test_archive_queries_do_not_grow_with_newsletters(
    client, volunteer, branch, django_assert_max_num_queries
):
    client.force_login(volunteer.user)
    _sends(2, branch)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("newsletter:archive")).status_code == 200
    _sends(10, branch)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("newsletter:archive")).status_code == 200


def test_progress_endpoint_queries_do_not_grow_with_recipients(
    client,
    staff,
    branch,
    coordinator,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    client.force_login(staff)
    for count in (5, 60):
        make_volunteers(branch, count, prefix=f"q{count}-")
        page = make_newsletter(branches=[branch], title=f"Nieuws {count}")
        with django_capture_on_commit_callbacks(execute=True):
            send = services.schedule_send(page_id=page.pk, user=staff)
        with django_assert_max_num_queries(12):
            data = client.get(reverse("newsletter_admin:progress_json", args=[send.pk])).json()
        assert data["left"] == 0
        with django_assert_max_num_queries(25):
            assert (
                client.get(reverse("newsletter_admin:progress", args=[send.pk])).status_code == 200
            )


@given(token=st.text(max_size=200), choice=st.text(max_size=20))
def test_unsubscribe_endpoints_never_fail_on_any_token(client, token, choice):
    token = token.replace("/", "").replace("\x00", "") or "x"
    for url, method in (
        (reverse("newsletter:unsubscribe", args=[token]), "get"),
        (reverse("newsletter:unsubscribe", args=[token]), "post"),
        (reverse("newsletter:one_click_unsubscribe", args=[token]), "post"),
    ):
        response = getattr(client, method)(
            url, {"subscribed": choice} if method == "post" else None
        )
        assert response.status_code in (200, 400, 404, 405)


@given(
    when=st.sampled_from(["now", "later", "", "x"]),
    send_at=st.one_of(
        st.text(max_size=30), st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M"))
    ),
    confirm=st.sampled_from(["on", "", "x"]),
)
def test_send_form_never_fails_on_any_input(
    client, coordinator, branch_newsletter, when, send_at, confirm
):
    Send.objects.filter(page=branch_newsletter).delete()
    client.force_login(coordinator)
    url = reverse("newsletter_admin:send", args=[branch_newsletter.pk])
    data = {"when": when, "send_at": send_at.replace("\x00", ""), "confirm": confirm}
    response = client.post(url, data)
    assert response.status_code in (302, 400)
    if not confirm:
        assert response.status_code == 400 and not Send.objects.filter(page=branch_newsletter)


@given(value=st.text(max_size=10))
def test_subscription_switch_never_fails(client, volunteer, value):
    client.force_login(volunteer.user)
    response = client.post(
        reverse("newsletter:change_subscription"), {"subscribed": value.replace("\x00", "")}
    )
    assert response.status_code == 302


def test_data_download_holds_the_newsletter_share(client, volunteer, sent):
    client.force_login(volunteer.user)
    data = json.loads(client.get(reverse("portal:download_data")).content)
    assert data["newsletter"]["subscribed"] is True
    assert data["newsletter"]["received"][0]["subject"] == sent.subject


def test_the_send_page_reads_right_at_every_stage(
    client, coordinator, branch, branch_newsletter, unsubscribe, django_capture_on_commit_callbacks
):
    people = make_volunteers(branch, 3)
    unsubscribe(people[0])
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=False):  # queued, not started yet
        send = services.schedule_send(page_id=branch_newsletter.pk, user=coordinator)
    page = client.get(reverse("newsletter_admin:progress", args=[send.pk])).content.decode()
    assert "Wordt klaargezet om te versturen" in page and "Gepland" not in page
    assert 'value="0"' in page  # the bar starts empty
    assert reverse("wagtailadmin_pages:edit", args=[branch_newsletter.pk]) in page
    assert reverse("newsletter_admin:sends") in page

    with django_capture_on_commit_callbacks(execute=False):
        services.start_send(send_id=send.pk)
    url = reverse("newsletter_admin:progress_json", args=[send.pk])
    data = client.get(url).json()
    # Sending, nobody reached yet: empty, whoever unsubscribed aside.
    assert data["status_label"] == "Wordt verstuurd" and data["skipped"] == 1
    assert data["percent"] == 0
    page = client.get(reverse("newsletter_admin:progress", args=[send.pk])).content.decode()
    assert "Wordt verstuurd" in page and "Gepland" not in page


def test_uncertain_deliveries_are_listed_with_their_answer_and_resent_on_request(
    client, coordinator, branch, branch_newsletter, django_capture_on_commit_callbacks
):
    make_volunteers(branch, 2)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        send = services.schedule_send(page_id=branch_newsletter.pk, user=coordinator)
    delivery = Delivery.objects.filter(send=send).order_by("pk").first()
    answer = "onderbroken tijdens het versturen (Connection reset)"
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.UNCERTAIN, answer=answer, finished_at=timezone.now()
    )
    page = client.get(reverse("newsletter_admin:progress", args=[send.pk])).content.decode()
    assert delivery.email in page and answer in page
    assert "1 onzekere opnieuw versturen" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("newsletter_admin:resend_uncertain", args=[send.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert Send.objects.get(pk=send.pk).status == SendStatus.DONE
    # Nothing left to resend: a clear message, no error.
    response = client.post(
        reverse("newsletter_admin:resend_uncertain", args=[send.pk]), follow=True
    )
    assert response.status_code == 200
    assert "Er zijn geen onzekere bezorgingen" in response.content.decode()


def test_write_newsletter_leads_to_a_new_newsletter_under_the_archive(
    client_for, client, editor, branch, other_branch, branch_newsletter
):
    """ "Nieuwsbrief schrijven" in the menu: one click to the page editor, where a
    coordinator can only address their own branch."""
    index = branch_newsletter.get_parent()
    add_url = reverse("wagtailadmin_pages:add", args=["newsletter", "newsletterpage", index.pk])
    for role, outcome in zip(
        ("anonymous", "volunteer", "coordinator", "other_coordinator", "staff"),
        [LOGIN, 403, 302, 302, 302],
        strict=True,
    ):
        assert_access(client_for(role), reverse("newsletter_admin:write"), outcome, role=role)
    client.force_login(editor)
    assert_access(client, reverse("newsletter_admin:write"), DENIED, role="editor")

    client = client_for("coordinator")
    response = client.get(reverse("newsletter_admin:write"))
    assert response.url == add_url
    form = client.get(add_url).content.decode()
    assert branch.name in form
    assert other_branch.name not in form
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Nieuwsbrief schrijven" in menu


def test_write_newsletter_without_an_archive_says_what_to_do(client_for):
    from newsletter.models import NewsletterIndexPage

    NewsletterIndexPage.objects.all().delete()
    response = client_for("coordinator").get(reverse("newsletter_admin:write"), follow=True)
    assert response.status_code == 200
    assert "nog geen nieuwsbriefarchief" in response.content.decode()
