"""Dutch throughout: no English in the Dutch interface, from data Wagtail made itself."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Task, Workflow

from tests.pages.factories import home_page

pytestmark = pytest.mark.django_db


def test_wagtails_default_workflow_has_a_dutch_name(client, editor):
    assert Workflow.objects.filter(name="Goedkeuring door moderatoren").exists()
    assert Task.objects.filter(name="Goedkeuring door moderatoren").exists()
    assert not Workflow.objects.filter(name="Moderators approval").exists()
    assert set(Group.objects.values_list("name", flat=True)) >= {"Redactie", "Moderatoren"}
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()
    assert editor.groups.filter(name="Redactie").exists()
    client.force_login(editor)
    page = client.get(f"/admin/pages/{home_page().pk}/edit/").content.decode()
    assert "Stuur door naar Goedkeuring door moderatoren" in page
    assert "Moderators approval" not in page
