"""Trigram (pg_trgm) GIN indexes for search-as-you-type on PostgreSQL.

Search asks for substrings, which no B-tree can answer; a GIN index over trigrams of the
same expression can. `membership_search_q` writes two shapes, and each has its index:

- a term without case (Chinese characters, digits) is `col::text LIKE '%term%'`: indexes
  on the plain columns (names, USCC — stored in capitals —, mobile);
- a term with Latin letters is `UPPER(col::text) LIKE UPPER('%term%')` (`icontains`):
  indexes on UPPER(name).

A term of one or two Chinese characters has no trigram; PostgreSQL then reads the
chamber's rows through its B-tree on chamber_id (see docs/benchmarks.md for the figures).
Pinyin initials are matched by prefix, which their B-tree answers. SQLite (the quick-start
database) has no pg_trgm and scans, which is fine at its sizes.
"""
from django.db import migrations

INDEXES = (
    ("members_membership_name_trgm", "members_membership", "UPPER(name::text)"),
    ("members_membership_name_plain_trgm", "members_membership", "name"),
    ("members_enterprise_uscc_plain_trgm", "members_enterprise", "uscc"),
    ("members_person_name_trgm", "members_person", "UPPER(name::text)"),
    ("members_person_name_plain_trgm", "members_person", "name"),
    ("members_person_mobile_trgm", "members_person", "mobile"),
)
# Written by an earlier draft of this migration; gone, since no query uses them.
OBSOLETE = ("members_enterprise_uscc_trgm", "members_enterprise_initials_trgm")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name in OBSOLETE:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
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
