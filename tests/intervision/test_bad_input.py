"""Junk in every intervision admin form: the form again (or a refusal), never a 500,
and nothing half-written."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intervision.models import IntervisionGroup, ThemeMeeting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

# Each example renders a whole Wagtail admin form (about a second on these machines):
# an eighth of the profile's examples keeps the suite fast and follows the profile.
admin_examples = settings(max_examples=max(5, settings.default.max_examples // 8))

junk = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "0", "-1", "99999999999", "2027-02-30", "25:61", "2027-01-13", "10:00"]),
)


@admin_examples
@given(date=junk, start=junk, end=junk, venue=junk, cancel=st.booleans(), reason=junk)
def test_session_form_never_500s(client_for, session, date, start, end, venue, cancel, reason):
    data = {"date": date, "start_time": start, "end_time": end, "new_venue": venue}
    if cancel:
        data |= {"cancel": "on", "cancel_reason_text": reason}
    response = client_for("coordinator").post(
        f"/admin/intervision_session/edit/{session.pk}/", data
    )
    assert response.status_code in (200, 302, 400)


@admin_examples
@given(name=junk, branch=junk, venue=junk, members=st.lists(junk, max_size=3), total=junk)
def test_group_form_never_500s(client_for, branch, name, venue, members, total):
    data = {
        "branch": branch,
        "name": name,
        "venue": venue,
        "members": members,
        "series-TOTAL_FORMS": total,
        "series-INITIAL_FORMS": "0",
        "skip_periods-TOTAL_FORMS": "0",
        "skip_periods-INITIAL_FORMS": "0",
    }
    before = IntervisionGroup.objects.count()
    response = client_for("coordinator").post("/admin/intervision_group/new/", data)
    assert response.status_code in (200, 302, 400)
    if response.status_code != 302:
        assert IntervisionGroup.objects.count() == before


@admin_examples
@given(kind=junk, weekday=junk, nth=junk, interval=junk, start_time=junk, start_date=junk)
def test_series_inline_never_500s(
    client_for, branch, kind, weekday, nth, interval, start_time, start_date
):
    data = {
        "branch": branch.pk,
        "name": "Groep",
        "series-TOTAL_FORMS": "1",
        "series-INITIAL_FORMS": "0",
        "series-MIN_NUM_FORMS": "0",
        "series-MAX_NUM_FORMS": "1000",
        "series-0-kind": kind,
        "series-0-weekday": weekday,
        "series-0-nth": nth,
        "series-0-interval_weeks": interval,
        "series-0-start_time": start_time,
        "series-0-end_time": "11:30",
        "series-0-start_date": start_date,
        "skip_periods-TOTAL_FORMS": "0",
        "skip_periods-INITIAL_FORMS": "0",
        "skip_periods-MIN_NUM_FORMS": "0",
        "skip_periods-MAX_NUM_FORMS": "1000",
    }
    response = client_for("coordinator").post("/admin/intervision_group/new/", data)
    assert response.status_code in (200, 302, 400)
    IntervisionGroup.objects.all().delete()


@admin_examples
@given(
    title=junk,
    starts=junk,
    ends=junk,
    capacity=junk,
    branch=junk,
    opens=junk,
    open_to=st.lists(junk, max_size=2),
)
def test_theme_meeting_form_never_500s(
    client_for, title, starts, ends, capacity, branch, opens, open_to
):
    data = {
        "title": title,
        "starts_at": starts,
        "ends_at": ends,
        "capacity": capacity,
        "branch": branch,
        "signup_opens_on": opens,
        "open_to_branches": open_to,
    }
    response = client_for("coordinator").post("/admin/theme_meeting/new/", data)
    assert response.status_code in (200, 302, 400)
    ThemeMeeting.objects.all().delete()


@admin_examples
@given(present=st.lists(junk, max_size=4))
def test_attendance_never_500s(client_for, session, present):
    response = client_for("coordinator").post(
        f"/admin/intervision_session/attendance/{session.pk}/", {"present": present}
    )
    assert response.status_code in (302, 400)
