"""Seed the municipalities the demo and the first branches work in, and link each branch
to the municipalities its free-text working area names (names that match no
municipality stay in the text field for a coordinator to fix)."""

from django.db import migrations

# (CBS code, name). More are added in the admin (Instellingen > Gemeenten).
MUNICIPALITIES = [
    ("GM0014", "Groningen"),
    ("GM0148", "Dalfsen"),
    ("GM0150", "Deventer"),
    ("GM0166", "Kampen"),
    ("GM0193", "Zwolle"),
    ("GM0202", "Arnhem"),
    ("GM0268", "Nijmegen"),
    ("GM0307", "Amersfoort"),
    ("GM0310", "De Bilt"),
    ("GM0312", "Bunnik"),
    ("GM0321", "Houten"),
    ("GM0327", "Leusden"),
    ("GM0342", "Soest"),
    ("GM0344", "Utrecht"),
    ("GM0352", "Wijk bij Duurstede"),
    ("GM0353", "IJsselstein"),
    ("GM0355", "Zeist"),
    ("GM0356", "Nieuwegein"),
    ("GM0363", "Amsterdam"),
    ("GM0392", "Haarlem"),
    ("GM0518", "'s-Gravenhage"),
    ("GM0546", "Leiden"),
    ("GM0599", "Rotterdam"),
    ("GM0632", "Woerden"),
    ("GM0772", "Eindhoven"),
    ("GM1581", "Utrechtse Heuvelrug"),
    ("GM1904", "Stichtse Vecht"),
]


def seed(apps, schema_editor):
    Municipality = apps.get_model("portal", "Municipality")
    Branch = apps.get_model("portal", "Branch")
    for code, name in MUNICIPALITIES:
        Municipality.objects.get_or_create(cbs_code=code, defaults={"name": name})
    # Through the link table: a ParentalManyToManyField only writes when a
    # ClusterableModel is saved, and historical models are not ClusterableModels.
    Link = Branch._meta.get_field("working_area").remote_field.through
    by_name = {m.name.casefold(): m.pk for m in Municipality.objects.all()}
    links = []
    for branch in Branch.objects.all():
        names = {line.strip().casefold() for line in branch.municipalities.splitlines()}
        links += [
            Link(branch_id=branch.pk, municipality_id=by_name[name])
            for name in sorted(names)
            if name in by_name
        ]
    Link.objects.bulk_create(links, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("portal", "0004_municipalities")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
