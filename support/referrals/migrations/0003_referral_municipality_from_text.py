"""Link each referral to the municipality its typed town names, where the name matches
one exactly (case aside). The rest stay unlinked: the annual report counts them as
"gemeente onbekend" and the referral screen lets a coordinator choose one."""

from django.db import migrations


def link(apps, schema_editor):
    Municipality = apps.get_model("portal", "Municipality")
    Referral = apps.get_model("referrals", "Referral")
    by_name = {m.name.casefold(): m.pk for m in Municipality.objects.all()}
    for referral in Referral.objects.filter(cbs_municipality__isnull=True).exclude(
        municipality=""
    ):
        pk = by_name.get(referral.municipality.strip().casefold())
        if pk is not None:
            Referral.objects.filter(pk=referral.pk).update(cbs_municipality_id=pk)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0002_referral_cbs_municipality"),
        ("portal", "0005_municipality_seed"),
    ]

    operations = [migrations.RunPython(link, migrations.RunPython.noop)]
