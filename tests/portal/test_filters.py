"""The branch filter of the admin listings (portal.filters.BranchFilter): the same
select as Django's model choice filter writes, read in one query whatever the number of
branches, and still only the branches the user may see."""

from __future__ import annotations

import django_filters
import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intervision.viewsets import GroupFilterSet
from portal.models import Branch, Volunteer
from portal.viewsets import VolunteerFilterSet
from support.referrals.viewsets import ReferralFilterSet
from support.viewsets import MatchFilterSet
from tests.portal.factories import BranchFactory, VolunteerFactory

FILTERSETS = [VolunteerFilterSet, GroupFilterSet, ReferralFilterSet, MatchFilterSet]


def _branch_field(filterset_class, request):
    return filterset_class(request.GET, request=request).form["branch"]


def _as_django_writes_it(field, scope):
    """The select of django-filter's own model choice filter over the same branches,
    through Django's own select templates."""
    own = django_filters.ModelChoiceFilter(queryset=scope).field
    return str(field.as_widget(widget=forms.Select(choices=own.choices)))


@pytest.mark.django_db
@pytest.mark.parametrize("filterset_class", FILTERSETS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("chosen", [None, "first", "foreign", "nonsense"])
def test_the_same_select_as_djangos_model_choice_filter(
    rf, staff, coordinator, branch, other_branch, filterset_class, chosen
):
    BranchFactory(name="Zeist & <omstreken>", slug="zeist")
    values = {
        None: {},
        "first": {"branch": branch.pk},
        "foreign": {"branch": other_branch.pk},
        "nonsense": {"branch": "x<1"},
    }
    for user in (staff, coordinator):
        request = rf.get("/admin/", values[chosen])
        request.user = user
        field = _branch_field(filterset_class, request)
        scope = field.field.queryset
        expected = _as_django_writes_it(field, scope)
        assert str(field.as_widget()) == expected
        shown = scope.filter(pk=branch.pk).exists()
        assert ("selected>Home-Start Utrecht<" in expected) is (chosen == "first" and shown)


@pytest.mark.django_db
@pytest.mark.parametrize("filterset_class", FILTERSETS, ids=lambda c: c.__name__)
def test_the_options_are_one_query_whatever_the_number_of_branches(
    rf, coordinator, filterset_class
):
    request = rf.get("/admin/")
    request.user = coordinator
    counts = []
    for _ in range(2):
        # A coordinator of many branches sees them in every listing, families included.
        coordinator.coordinated_branches.add(*BranchFactory.create_batch(30))
        field = _branch_field(filterset_class, request)
        with CaptureQueriesContext(connection) as queries:
            html = str(field.as_widget())
        counts.append(len(queries))
        assert html.count("<option") == Branch.objects.count() + 1
    # One query, no server-side cursor (DECLARE, FETCH, CLOSE on PostgreSQL).
    assert counts == [1, 1]
    assert "DECLARE" not in queries[0]["sql"]


@pytest.mark.django_db
@pytest.mark.parametrize("filterset_class", FILTERSETS, ids=lambda c: c.__name__)
def test_a_coordinator_chooses_only_from_their_own_branches(
    rf, coordinator, branch, other_branch, filterset_class
):
    request = rf.get("/admin/", {"branch": other_branch.pk})
    request.user = coordinator
    filterset = filterset_class(request.GET, request=request)
    assert "Home-Start Zwolle" not in str(filterset.form["branch"])
    assert "Home-Start Utrecht" in str(filterset.form["branch"])
    # Another branch's id is refused by the form, with a message: nothing is filtered on it.
    assert not filterset.form.is_valid()
    assert filterset.form.errors["branch"]


@pytest.mark.django_db
def test_choosing_a_branch_filters_the_listing(rf, staff, branch, other_branch, volunteer):
    VolunteerFactory(branch=other_branch)
    request = rf.get("/admin/", {"branch": branch.pk})
    request.user = staff
    filterset = VolunteerFilterSet(request.GET, queryset=Volunteer.objects.all(), request=request)
    assert filterset.is_valid()
    assert list(filterset.qs) == [volunteer]


def test_without_a_request_there_is_no_branch_to_choose(db):
    field = VolunteerFilterSet({}, request=None).form["branch"]
    assert list(field.field.queryset) == []
