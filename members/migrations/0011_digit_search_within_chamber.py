"""Drop the trigram indexes on USCCs and mobiles: digits are searched within the chamber.

A GIN index over trigrams is shared by every chamber of the installation. Digits have only
1,000 trigrams, so a fragment of a USCC or a mobile number matches long posting lists across
the province: at 1,000,000 members, "000005" gave 113,679 people and 12,038 enterprises to
recheck before the chamber filter kept 1,111 and 111 of them (docs/benchmarks.md). Read
through the chamber's B-tree instead, PostgreSQL tests the LIKE on at most the chamber's own
rows (20,000 in the largest), a cost bounded by the chamber and not by the province. Names
keep their trigram indexes: Chinese characters are thousands, and a fragment of a name is
selective.
"""
from django.db import migrations

DROPPED = (
    ("members_enterprise_uscc_plain_trgm", "members_enterprise", "uscc"),
    ("members_person_mobile_trgm", "members_person", "mobile"),
)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in DROPPED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in DROPPED:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


class Migration(migrations.Migration):
    dependencies = [("members", "0010_membership_counts_covering")]
    operations = [migrations.RunPython(drop, create, elidable=False)]
