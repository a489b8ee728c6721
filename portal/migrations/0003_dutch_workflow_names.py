"""Wagtail's default workflow, its task and its two groups get Dutch names.

Wagtail's migrations name them in English in the database ("Moderators approval",
"Moderators", "Editors"), so the page editor offered "Stuur door naar Moderators
approval" in the Dutch admin. Renamed only while they still carry Wagtail's name: a
name an administrator chose stays. `portal.permissions.EDITORS_GROUP` follows.
"""

from django.db import migrations

# (app, model, Wagtail's name, Dutch name)
NAMES = [
    ("wagtailcore", "Workflow", "Moderators approval", "Goedkeuring door moderatoren"),
    ("wagtailcore", "Task", "Moderators approval", "Goedkeuring door moderatoren"),
    ("auth", "Group", "Moderators", "Moderatoren"),
    ("auth", "Group", "Editors", "Redactie"),
]


def rename(apps, schema_editor, *, to_dutch: bool) -> None:
    alias = schema_editor.connection.alias
    for app, model, wagtail_name, dutch_name in NAMES:
        old, new = (wagtail_name, dutch_name) if to_dutch else (dutch_name, wagtail_name)
        objects = apps.get_model(app, model).objects.using(alias)
        if model == "Group" and objects.filter(name=new).exists():
            continue  # group names are unique; an existing one is left alone
        objects.filter(name=old).update(name=new)


def to_dutch(apps, schema_editor):
    rename(apps, schema_editor, to_dutch=True)


def to_wagtail(apps, schema_editor):
    rename(apps, schema_editor, to_dutch=False)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_weekly_digest_schedule"),
        ("wagtailcore", "0048_add_default_workflows"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(to_dutch, to_wagtail)]
