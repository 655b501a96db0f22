"""Trigram (pg_trgm) GIN indexes for search-as-you-type on PostgreSQL.

Search asks for substrings (`icontains`: `UPPER(col) LIKE UPPER('%term%')`), which no
B-tree can answer; a GIN index over trigrams of the same expression can. SQLite (the
quick-start database) has no pg_trgm and scans, which is fine at its sizes.
"""
from django.db import migrations

INDEXES = (
    ("members_membership_name_trgm", "members_membership", "UPPER(name::text)"),
    ("members_enterprise_uscc_trgm", "members_enterprise", "UPPER(uscc::text)"),
    ("members_enterprise_initials_trgm", "members_enterprise", "name_initials"),
    ("members_person_name_trgm", "members_person", "UPPER(name::text)"),
    ("members_person_mobile_trgm", "members_person", "mobile"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, expression in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression}) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("members", "0004_membership_status_name_index")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
