"""A database made before the referrals moved from `portal/referrals/` to
`support/referrals/` keeps working: its migrations are recorded under the app label
`referrals`, its rows sit in `referrals_*` tables, its content types and permissions
say `referrals`, and the referral form page is a `pages.ReferralFormPage`.

The test takes the test database back to the migrations of main before the move
(`BEFORE_THE_MOVE`), writes a referral and a referral form page with the historical
models of that state (and the retention schedule under its old task path), migrates
forward to today's leaves and checks that the moved code finds, shows and serves them
and that `migrate` points the schedule at the moved task. Runs on SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Page, Site

from portal.pages.models import ReferralFormPage
from support.referrals.models import Referral
from support.referrals.schedules import RETENTION_SCHEDULE, RETENTION_TASK
from tests.portal.factories import make_admin_user
from tests.support.referrals.conftest import self_registration_data

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The leaves of the apps involved on main just before the move (commit ac8ae0f).
BEFORE_THE_MOVE = [
    ("portal", "0007_indexes_for_lists"),
    ("pages", "0003_public_site"),
    ("referrals", "0004_referral_status_received_index"),
    ("support", "0004_indexes_for_lists"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _today_leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _build_at_the_old_state(apps) -> tuple[int, int, int]:
    """A branch, a referral in it and a self-registration form page, written the way the
    code before the move stored them (historical models, no services)."""
    branch = apps.get_model("portal", "Branch").objects.create(name="Home-Start Oud", slug="oud")
    referral = apps.get_model("referrals", "Referral").objects.create(
        reference="KP-OUD001",
        kind="parents",
        branch=branch,
        family_name="Familie Oudewater",
        postcode="3531 AB",
        support_questions=["listening_ear"],
    )
    content_type = apps.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="pages", model="referralformpage"
    )[0]
    locale = apps.get_model("wagtailcore", "Locale").objects.get_or_create(language_code="nl")[0]
    page = apps.get_model("pages", "ReferralFormPage").objects.create(
        title="Zelf aanmelden (oud)",
        draft_title="Zelf aanmelden (oud)",
        slug="zelf-aanmelden-oud",
        content_type=content_type,
        locale=locale,
        live=True,
        # A tree of its own: the test does not depend on the pages the database holds.
        path="0099",
        depth=1,
        numchild=0,
        url_path="/zelf-aanmelden-oud/",
        variant="parents",
    )
    # The nightly retention schedule, as main made it: named by the old module path.
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name=RETENTION_SCHEDULE,
        defaults={"func": "portal.referrals.tasks.erase_expired_referrals", "schedule_type": "D"},
    )
    return branch.pk, referral.pk, page.pk


def test_a_database_from_before_the_move_keeps_its_referrals_and_form_page(client):
    executor = _migrate(BEFORE_THE_MOVE)
    old_apps = executor.loader.project_state(BEFORE_THE_MOVE).apps
    branch_id, referral_id, page_id = _build_at_the_old_state(old_apps)

    _migrate(_today_leaves())
    # A fresh executor reads what is applied now (the one that migrated keeps the
    # state it loaded, in which later migrations such as portal 0008 were unapplied).
    assert MigrationExecutor(connection).migration_plan(_today_leaves()) == []
    # `manage.py migrate` ends with post_migrate, which points the schedule at the task's
    # new module path.
    call_command("migrate", verbosity=0, interactive=False)
    from django_q.models import Schedule

    assert Schedule.objects.get(name=RETENTION_SCHEDULE).func == RETENTION_TASK
    assert RETENTION_TASK.startswith("support.referrals.")

    # The referral: the moved model reads the same row; content type and permissions hold.
    referral = Referral.objects.get(pk=referral_id)
    assert type(referral).__module__ == "support.referrals.models"
    assert referral.family_name == "Familie Oudewater" and referral.branch_id == branch_id
    assert ContentType.objects.get_for_model(Referral).app_label == "referrals"
    content_type = ContentType.objects.get(app_label="referrals", model="referral")
    assert content_type.model_class() is Referral
    coordinator = make_admin_user("coordinator", branches=[referral.branch])
    assert coordinator.has_perm("referrals.change_referral")
    client.force_login(coordinator)
    edit = client.get(f"/admin/referrals/edit/{referral_id}/")
    assert edit.status_code == 200 and "KP-OUD001" in edit.content.decode()

    # The form page: its content type resolves to the page class, and it still serves.
    page = Page.objects.get(pk=page_id).specific
    assert type(page) is ReferralFormPage
    Site.objects.update(is_default_site=False)
    Site.objects.create(hostname="oud.example", root_page=page, is_default_site=True)
    client.logout()
    form = client.get("/", HTTP_HOST="oud.example")
    assert form.status_code == 200 and 'name="family_email"' in form.content.decode()
    sent = client.post("/", self_registration_data(), HTTP_HOST="oud.example")
    assert sent.status_code == 302 and sent["Location"].endswith("/bedankt/")
    assert Referral.objects.filter(kind="parents").exclude(pk=referral_id).count() == 1
