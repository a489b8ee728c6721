"""`__any_of` (portal.lookups) gives the rows `__in` gives, on SQLite and PostgreSQL."""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from portal.models import User, Volunteer
from tests.portal.factories import VolunteerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def volunteers(branch, other_branch):
    made = [
        VolunteerFactory(branch=branch, user__last_name="Jansen"),
        VolunteerFactory(branch=other_branch, user__last_name="Janssen"),
        VolunteerFactory(branch=branch, user__last_name="de Vries", city="Jansenveen"),
        VolunteerFactory(branch=branch, user__last_name="Bakker"),
    ]
    return made


def _pks(queryset):
    return sorted(queryset.values_list("pk", flat=True))


def test_the_same_rows_as_in_for_a_subquery_and_a_union(volunteers, branch):
    # User's default ordering rides along in the subquery: it must be dropped.
    accounts = User.objects.filter(last_name__icontains="jans").values("pk")
    by_account_in = Volunteer.objects.filter(user__in=accounts)
    by_account = Volunteer.objects.filter(user__any_of=accounts)
    assert _pks(by_account) == _pks(by_account_in) == sorted(v.pk for v in volunteers[:2])

    by_city = Volunteer.objects.filter(Q(city__icontains="jans"))
    union = by_account.order_by().values("pk").union(by_city.order_by().values("pk"))
    mine = Volunteer.objects.filter(branch=branch)
    assert _pks(mine.filter(pk__any_of=union)) == _pks(mine.filter(pk__in=union))
    assert _pks(mine.filter(pk__any_of=union)) == sorted([volunteers[0].pk, volunteers[2].pk])
    assert mine.filter(pk__any_of=Volunteer.objects.none().values("pk")).count() == 0


def test_postgresql_gets_an_array_and_other_databases_in(volunteers):
    accounts = User.objects.filter(last_name__icontains="jans").values("pk")
    with CaptureQueriesContext(connection) as queries:
        list(Volunteer.objects.filter(user__any_of=accounts).order_by())
    sql = queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(ARRAY(SELECT" in sql
    else:
        assert " IN (SELECT" in sql
    assert "ORDER BY" not in sql


def test_a_list_is_refused():
    with pytest.raises(ValueError, match="queryset"):
        Volunteer.objects.filter(pk__any_of=[1, 2])
