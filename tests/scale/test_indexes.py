"""Indexes are led by the chamber (issue 11, item 3).

Every row a chamber owns (a concrete `TenantModel`) is read within one chamber, so an index
on such a table must start with `chamber` to be of use: PostgreSQL then reads one chamber's
slice of the index instead of every chamber's. Two levels are checked:

- what the models declare (Meta.indexes, UniqueConstraint, unique_together), on any database;
- what PostgreSQL actually has (introspection), which also sees the indexes Django adds on its
  own (one per foreign key, `db_index=True`, `unique=True`) and the ones made in migrations by
  hand (the trigram GIN indexes of members/migrations/0005_search_trigram.py).

An index that does not start with the chamber is allowed only from a table below, each with the
reason why; a new one fails until it is either led by the chamber or added here with its reason.
"""
import pytest
from django.apps import apps
from django.db import connection, models

from chamber.models import TenantModel


def tenant_models():
    """Every concrete model whose rows belong to a chamber (as tests/chamber/test_admin.py
    enumerates the models of our apps, but by base class so that no app is forgotten)."""
    found = [
        m for m in apps.get_models()
        if issubclass(m, TenantModel) and not m._meta.abstract and not m._meta.proxy and m._meta.managed
    ]
    return sorted(found, key=lambda m: m._meta.label)


# --- Declared in Meta -------------------------------------------------------------------------

# (model label, field names) -> why the index or constraint need not start with the chamber.
DECLARED_NOT_CHAMBER_LED = {
    ("chamber.Role", ("user", "chamber")):
        "the user's chambers, across all of them: the chamber switcher and /api/v1/chambers/ (a roles subquery by user)",
    ("chamber.Delivery", ("status", "due_at")):
        "the reminders dispatcher: what is waiting and due, across all chambers (chamber/reminders/models.py)",
    ("chamber.Delivery", ("recipient", "read_at", "status")):
        "a user's inbox and unread count, which gathers deliveries of every chamber the user belongs to",
    ("chamber.ImportRow", ("batch", "status", "number")):
        "rows of one import batch; the batch belongs to one chamber, so the batch id already narrows to it",
    ("chamber.ImportRow", ("batch", "number")):
        "row numbers are unique within their batch (a child of one chamber's batch)",
    ("evaluations.Submission", ("subject_chamber", "campaign")):
        "a subject chamber's own submissions, read from its workspace: the owner is the federation's chamber",
    ("evaluations.Submission", ("campaign", "subject_chamber")):
        "one submission per subject chamber within a campaign (a child of one chamber's campaign)",
    ("evaluations.Submission", ("campaign", "subject_branch")):
        "one submission per subject branch within a campaign (a child of one chamber's campaign)",
    ("evaluations.ScoreSheet", ("submission", "reviewer")):
        "one sheet per reviewer within a submission (a child of one chamber's submission)",
    ("evaluations.ScoreSheet", ("submission", "kind")):
        "one self-assessment and one consensus sheet per submission (a child of one chamber's submission)",
    ("evaluations.ScoreEntry", ("sheet", "indicator")):
        "one score per indicator within a sheet (a child of one chamber's sheet)",
    ("evaluations.Rating", ("subject_chamber", "scheme")):
        "a chamber's own ratings, read from its workspace and by its federation: the owner is the federation's chamber",
}


def declared_indexes(model):
    """(kind, name, field names) of every index and unique rule the model declares."""
    meta = model._meta
    for index in meta.indexes:
        yield "index", index.name, tuple(index.fields) or ("<expression>",)
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            yield "unique", constraint.name, tuple(constraint.fields) or ("<expression>",)
    for fields in meta.unique_together:
        yield "unique_together", "", tuple(fields)


def test_every_tenant_model_is_found():
    """The enumeration itself: the big tables are among the models checked."""
    labels = {m._meta.label for m in tenant_models()}
    assert {"members.Membership", "members.Enterprise", "members.Person", "members.Contact",
            "members.MembershipBranch", "events.MemberRequest", "members.DuesInvoice", "branches.Branch"} <= labels


def test_declared_indexes_and_unique_rules_start_with_the_chamber():
    offenders, allowed = [], []
    for model in tenant_models():
        for kind, name, fields in declared_indexes(model):
            if fields[0] == "chamber":
                continue
            key = (model._meta.label, fields)
            if key in DECLARED_NOT_CHAMBER_LED:
                allowed.append(f"{model._meta.label} {kind} {name} {fields}: {DECLARED_NOT_CHAMBER_LED[key]}")
            else:
                offenders.append(f"{model._meta.label} {kind} {name or '-'} {fields}")
    print("\nDeclared, not led by the chamber, and why:\n  " + "\n  ".join(allowed))
    assert offenders == [], "Lead these with 'chamber' or justify them in DECLARED_NOT_CHAMBER_LED"


def test_the_allow_list_has_no_stale_entries():
    """An entry whose index is gone (or now starts with the chamber) must leave the table."""
    present = {(m._meta.label, fields) for m in tenant_models() for _, _, fields in declared_indexes(m)}
    assert set(DECLARED_NOT_CHAMBER_LED) - present == set()


# --- In the PostgreSQL database ---------------------------------------------------------------

# (table, columns) of single-column indexes that are not on a foreign key, and why. A foreign
# key's own index (Django adds one to every ForeignKey) is allowed without an entry: rows are
# looked up by that id alone — the children of one parent row, which already belongs to one
# chamber — and ON DELETE CASCADE / PROTECT checks need it.
SINGLE_COLUMN_NOT_FK = {
    ("chamber_apikey", ("prefix",)):
        "unique key prefix, looked up before the chamber is known (Api-Key authentication)",
    ("chamber_certificate", ("code",)):
        "unique verification code, looked up from the public verify page before the chamber is known",
    ("events_registration", ("code",)):
        "unique registration code, scanned at the door before the chamber is known",
    ("chamber_auditentry", ("created_at",)):
        "the platform admin's audit log, newest first across all chambers (chamber/admin.py)",
    ("branches_branch", ("path",)):
        "LIKE 'path%' subtree reads; the path holds the root's id, so it is already within one chamber",
    ("members_enterprise", ("name_initials",)):
        "pinyin-initials prefix search (membership_search_q), combined with the chamber index by a bitmap AND",
    # Trigram GIN indexes (members/migrations/0005_search_trigram.py): a GIN index cannot
    # start with the chamber's B-tree column without btree_gin; PostgreSQL ANDs it with the
    # chamber's B-tree index (tests/scale/test_explain.py checks the plans). USCCs and
    # mobiles have none: digits are searched on the chamber's own rows (members 0011).
    ("members_person", ("name",)): "trigram GIN: contact name substring search",
    ("members_membership", ("name",)): "trigram GIN: member name substring search",
}
# Expression indexes (no plain columns), by name.
EXPRESSION_INDEXES = {
    ("members_person", "members_person_name_trgm"): "trigram GIN on UPPER(name): case-insensitive Latin names",
    ("members_membership", "members_membership_name_trgm"): "trigram GIN on UPPER(name): case-insensitive Latin names",
}
# (table, columns) of multi-column indexes not led by the chamber that PostgreSQL has; each is
# a declared one above (DECLARED_NOT_CHAMBER_LED, by its columns).
MULTI_COLUMN_NOT_CHAMBER_LED = {
    ("chamber_role", ("user_id", "chamber_id")),
    ("chamber_delivery", ("status", "due_at")),
    ("chamber_delivery", ("recipient_id", "read_at", "status")),
    ("chamber_importrow", ("batch_id", "status", "number")),
    ("chamber_importrow", ("batch_id", "number")),
    ("evaluations_submission", ("subject_chamber_id", "campaign_id")),
    ("evaluations_submission", ("campaign_id", "subject_chamber_id")),
    ("evaluations_submission", ("campaign_id", "subject_branch_id")),
    ("evaluations_scoresheet", ("submission_id", "reviewer_id")),
    ("evaluations_scoresheet", ("submission_id", "kind")),
    ("evaluations_scoreentry", ("sheet_id", "indicator_id")),
    ("evaluations_rating", ("subject_chamber_id", "scheme_id")),
}

# Single-column indexes that a chamber-led index already covers for every query the app makes:
# PostgreSQL would keep them up to date on every write for nothing. Found by this test and
# dropped (members 0009, evaluations 0002); test_no_redundant_single_column_index keeps them out.
REDUNDANT = {
    ("members_membership", ("updated_at",)):
        "Membership.updated_at has db_index=True; the change feed (members/sync.py) and `updated_since` "
        "filter always within a chamber and use members_mem_chamber_d6df09_idx (chamber_id, updated_at, id)",
    ("members_rank", ("code",)):
        "Rank.code has db_index=True; ranks are looked up by (chamber, code) through rank_code_unique",
    ("evaluations_graderule", ("code",)):
        "GradeRule.code has db_index=True; rules are looked up within a version through grade_rule_code_unique "
        "(chamber_id, version_id, code)",
}

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (introspection)")


def database_indexes():
    """(model, table, name, columns, info) of every non-primary index on the tenant tables."""
    with connection.cursor() as cursor:
        for model in tenant_models():
            table = model._meta.db_table
            for name, info in connection.introspection.get_constraints(cursor, table).items():
                if info["primary_key"] or not (info["index"] or info["unique"]):
                    continue
                yield model, table, name, tuple(info["columns"]), info


def fk_columns(model):
    return {f.column for f in model._meta.concrete_fields if f.is_relation}


@postgres_only
@pytest.mark.django_db
def test_database_indexes_on_the_chamber_start_with_it():
    """Any index that includes chamber_id has it first (else it cannot narrow to one chamber)."""
    offenders = [
        f"{table}.{name} {columns}"
        for _, table, name, columns, _ in database_indexes()
        if "chamber_id" in columns and columns[0] != "chamber_id"
        and (table, columns) not in MULTI_COLUMN_NOT_CHAMBER_LED
    ]
    assert offenders == []


@postgres_only
@pytest.mark.django_db
def test_every_other_database_index_is_justified():
    offenders, justified = [], []
    for model, table, name, columns, info in database_indexes():
        if columns and columns[0] == "chamber_id":
            continue
        if not columns:
            reason = EXPRESSION_INDEXES.get((table, name))
        elif len(columns) == 1 and columns[0] in fk_columns(model):
            continue  # a foreign key's index: see SINGLE_COLUMN_NOT_FK
        elif len(columns) == 1:
            reason = SINGLE_COLUMN_NOT_FK.get((table, columns))
        else:
            reason = "declared in Meta, see DECLARED_NOT_CHAMBER_LED" if (table, columns) in MULTI_COLUMN_NOT_CHAMBER_LED else None
        line = f"{table}.{name} {columns or info.get('definition')}"
        if reason:
            justified.append(f"{line}: {reason}")
        else:
            offenders.append(line)
    print("\nIndexes not led by the chamber (foreign keys' own indexes left out):\n  " + "\n  ".join(sorted(justified)))
    assert offenders == [], "Lead these with chamber_id or justify them in the tables above"


@postgres_only
@pytest.mark.django_db
def test_the_database_allow_lists_have_no_stale_entries():
    present = {(table, columns) for _, table, _, columns, _ in database_indexes()}
    named = {(table, name) for _, table, name, _, _ in database_indexes()}
    assert set(SINGLE_COLUMN_NOT_FK) - present == set()
    assert MULTI_COLUMN_NOT_CHAMBER_LED - present == set()
    assert set(EXPRESSION_INDEXES) - named == set()


@postgres_only
@pytest.mark.django_db
def test_no_redundant_single_column_index():
    present = {(table, columns) for _, table, _, columns, _ in database_indexes()}
    assert sorted(set(REDUNDANT) & present) == []
