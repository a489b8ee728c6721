"""A browser test starts from the migrated data, whatever ran before it on its worker.

Playwright's sync API runs the test in a context of its own, where Django's connection
object is not the one that set the test database up (see
`tests.conftest.serialized_contents_for_every_context`)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection

from portal.services.roles import COORDINATORS_GROUP

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_browser_test_sees_the_snapshot_and_gets_the_migrated_data_back(page):
    assert hasattr(connection, "_test_serialized_contents")
    assert Permission.objects.filter(codename="access_admin").exists()
    coordinators = Group.objects.get(name=COORDINATORS_GROUP)
    assert coordinators.permissions.filter(codename="access_admin").exists()
