"""Trigram indexes for the volunteer search of the admin (PostgreSQL only).

The admin's volunteer search is `icontains` on the account's first and last name and
e-mail address and the volunteer's postcode and city, which Django writes as
`UPPER(column::text) LIKE UPPER('%term%')`: a B-tree index cannot serve a pattern
with a leading wildcard, so every search read all 5,000 volunteers with their accounts
(docs/scale.md). A `pg_trgm` GIN index on exactly that expression can. SQLite has no
such index type; there the migration does nothing (a small database reads fast).
"""

from django.db import migrations

INDEXES = [
    ("portal_user_first_name_trgm", "portal_user", "first_name"),
    ("portal_user_last_name_trgm", "portal_user", "last_name"),
    ("portal_user_email_trgm", "portal_user", "email"),
    ("portal_volunteer_postcode_trgm", "portal_volunteer", "postcode"),
    ("portal_volunteer_city_trgm", "portal_volunteer", "city"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("portal", "0007_indexes_for_lists")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
