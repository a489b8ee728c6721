"""The weekly absence digest became a section of the coordinators' weekly digest, which
portal sends (its schedule is made by portal's migration 0002); this removes the old
schedule of its own."""

from django.db import migrations

OLD_SCHEDULE = "intervision: weekly digest of volunteers who missed three sessions"


def remove_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.using(schema_editor.connection.alias).filter(name=OLD_SCHEDULE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("intervision", "0003_theme_meetings"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(remove_schedule, migrations.RunPython.noop)]
