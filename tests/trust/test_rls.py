"""Row-level security, the second wall (chamber/rls.py, docs/security.md).

The suite connects as the superuser, whom the policies do not bind; these tests create the
application role with `db_app_role` and read through it, on committed rows
(transaction=True), to see what the database itself lets through.
"""
import re

import psycopg2
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import post_migrate
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from chamber import rls
from chamber.models import Chamber, Role, RoleKind
from members.models import Membership

pytestmark = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="row-level security is a PostgreSQL feature; on SQLite there is no second wall to test",
)

# Tables of the project's apps that carry their chamber through a parent row only, and
# those that belong to no chamber at all (the tenant registry, and per-user settings).
PARENT_ONLY = {
    "chamber_documentbatch_certificates", "chamber_documentbatch_annual_reports",
    "members_enterpriseuserobjectpermission", "evaluations_submissionuserobjectpermission",
}
NOT_TENANT = {"chamber_chamber", "chamber_userpreference", "chamber_reminderpreference", "events_calendartoken"}
PROJECT_APPS = {"chamber", "branches", "members", "evaluations", "events", "charity"}


def _direct_tenant_tables():
    return {
        m._meta.db_table for m in apps.get_models(include_auto_created=True)
        if not m._meta.proxy and any(f.name == "chamber" and f.is_relation and f.related_model is Chamber
                                     for f in m._meta.concrete_fields)
    }


@pytest.mark.django_db
def test_every_tenant_table_has_rls_enabled_and_the_policy():
    direct = _direct_tenant_tables()
    covered = {table for table, _ in rls.tenant_tables()}
    assert len(direct) > 50
    assert covered == direct | PARENT_ONLY
    # A new table in a project app is either a tenant table (and covered) or listed here.
    project = {m._meta.db_table for m in apps.get_models(include_auto_created=True)
               if m._meta.app_label in PROJECT_APPS and not m._meta.proxy}
    assert project - covered == NOT_TENANT
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relkind = 'r' AND relrowsecurity"
                       " AND NOT relforcerowsecurity AND relnamespace = current_schema()::regnamespace")
        enabled = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT tablename FROM pg_policies WHERE policyname = %s AND permissive = 'PERMISSIVE'"
                       " AND cmd = 'ALL' AND with_check IS NOT NULL", [rls.POLICY])
        with_policy = {row[0] for row in cursor.fetchall()}
    assert covered <= enabled
    assert covered <= with_policy
    assert not (NOT_TENANT & enabled)


@pytest.mark.django_db
def test_policies_are_reapplied_idempotently_after_migrate():
    assert rls.post_migrate_apply in [r[1]() for r in post_migrate.receivers]
    assert rls.apply_policies() == 0  # the test database's migrate already applied them
    with connection.cursor() as cursor:
        cursor.execute('DROP POLICY "{}" ON members_membership'.format(rls.POLICY))
        cursor.execute('CREATE POLICY chamber_wall_v0 ON members_enterprise USING (true)')  # an outdated one
    call_command("migrate", verbosity=0)  # as the owner: nothing to migrate, post_migrate re-applies
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename, policyname FROM pg_policies WHERE tablename IN"
                       " ('members_membership', 'members_enterprise') ORDER BY 1")
        assert cursor.fetchall() == [("members_enterprise", rls.POLICY), ("members_membership", rls.POLICY)]
    assert rls.apply_policies() == 0


@pytest.fixture
def app_role(transactional_db):
    """The application role, created by the command, unique to this test database (roles
    are cluster-wide and other test runs share the server)."""
    name = "rls_app_" + re.sub(r"\W", "_", connection.settings_dict["NAME"])[:40]
    call_command("db_app_role", role=name, no_password=True, verbosity=0)
    call_command("db_app_role", role=name, no_password=True, verbosity=0)  # idempotent
    yield name
    with connection.cursor() as cursor:
        cursor.execute('DROP OWNED BY "{0}"; DROP ROLE "{0}"'.format(name))


def _connect_as(role):
    params = connection.get_connection_params()
    return psycopg2.connect(dbname=params["dbname"], user=role, host=params.get("host") or None,
                            port=params.get("port") or None)


def _count(cursor, sql, params=None):
    cursor.execute(sql, params)
    return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_app_role_sees_only_the_chamber_set(app_role, chamber, other_chamber, member, representative):
    with scopes_disabled():
        total = Membership.objects.count()
        mine = Membership.objects.filter(chamber=chamber).count()
        theirs = Membership.objects.filter(chamber=other_chamber).exclude(pk=member.pk).first()
        uid = representative.pk
    assert 0 < mine < total

    app = _connect_as(app_role)
    app.autocommit = True
    try:
        with app.cursor() as cur:
            cur.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
            assert cur.fetchone() == (False, False)
            assert _count(cur, "SELECT count(*) FROM pg_class WHERE relowner ="
                               " (SELECT oid FROM pg_roles WHERE rolname = current_user)") == 0
            # The audit trail is append-only for the app: insert, read, null an actor; no more.
            cur.execute("SELECT has_table_privilege('chamber_auditentry', 'INSERT'),"
                        " has_table_privilege('chamber_auditentry', 'UPDATE'),"
                        " has_table_privilege('chamber_auditentry', 'DELETE'),"
                        " has_column_privilege('chamber_auditentry', 'actor_id', 'UPDATE'),"
                        " has_column_privilege('chamber_auditentry', 'changes', 'UPDATE')")
            assert cur.fetchone() == (True, False, False, True, False)

            # No chamber set: the rows exist, the role sees none of them.
            assert _count(cur, "SELECT count(*) FROM members_membership") == 0
            cur.execute(rls.set_sql(((), False)))
            assert _count(cur, "SELECT count(*) FROM members_membership") == 0

            cur.execute(rls.set_sql(((chamber.pk,), False)))
            assert _count(cur, "SELECT count(*) FROM members_membership") == mine
            assert _count(cur, "SELECT count(DISTINCT chamber_id) FROM members_membership") == 1
            # A parent-only table follows its parent: the representative's object permission.
            assert _count(cur, "SELECT count(*) FROM members_enterpriseuserobjectpermission") == 1
            # Another chamber's row can be neither changed nor moved into, nor inserted.
            cur.execute("UPDATE members_membership SET member_number = 'X' WHERE id = %s", [theirs.pk])
            assert cur.rowcount == 0
            with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="row-level security"):
                cur.execute("UPDATE members_membership SET chamber_id = %s WHERE id = %s",
                            [other_chamber.pk, member.pk])
            insert = ("INSERT INTO chamber_role (chamber_id, user_id, kind, created_at)"
                      " VALUES (%s, %s, 'reviewer', now())")
            with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="row-level security"):
                cur.execute(insert, [other_chamber.pk, uid])
            cur.execute(insert, [chamber.pk, uid])  # the same insert, for the chamber in the set

            cur.execute(rls.set_sql(((other_chamber.pk,), False)))
            assert _count(cur, "SELECT count(*) FROM members_membership") == total - mine
            assert _count(cur, "SELECT count(*) FROM members_enterpriseuserobjectpermission") == 0

            cur.execute(rls.set_sql(((), True)))  # the system context
            assert _count(cur, "SELECT count(*) FROM members_membership") == total
    finally:
        app.close()


@pytest.fixture
def as_app_role(app_role):
    """Django's default connection switched to the application role, with the chamber set
    passed on every statement (RLS_ENFORCED's wrapper), restored afterwards."""
    connection.close()
    saved = dict(connection.settings_dict)
    connection.settings_dict.update(USER=app_role, PASSWORD="")
    rls.install(connection)
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
        connection.execute_wrappers.remove(rls.execute_wrapper)


@pytest.mark.django_db(transaction=True)
def test_orm_under_the_app_role_follows_the_scope(chamber, other_chamber, member, make_user, as_app_role):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == as_app_role.settings_dict["USER"]
    with rls.chambers(all=True):
        theirs_pk = Membership._base_manager.filter(chamber=other_chamber).values_list("pk", flat=True).first()
    assert theirs_pk
    # Outside any scope: a query that slips past django-scopes (the base manager) sees nothing.
    assert Membership._base_manager.count() == 0
    with scope(chamber=chamber):
        assert set(Membership._base_manager.values_list("chamber_id", flat=True)) == {chamber.pk}
        # Raw SQL with no tenant filter at all.
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(DISTINCT chamber_id) FROM members_membership")
            assert cursor.fetchone()[0] == 1
        # A server-side cursor gets the set in its own statement.
        assert {m.chamber_id for m in Membership._base_manager.iterator(chunk_size=1)} == {chamber.pk}
        # rowcount and RETURNING come from the statement, not from the set_config in front.
        assert Membership._base_manager.filter(pk=theirs_pk).update(member_number="X") == 0
        assert Membership._base_manager.filter(pk=member.pk).update(member_number="GD-002") == 1
        user = make_user("rls-probe")
        assert Role.objects.create(chamber=chamber, user=user, kind=RoleKind.REVIEWER).pk
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            Role._base_manager.create(chamber=other_chamber, user=user, kind=RoleKind.REVIEWER)
        with rls.chambers(other_chamber):  # an explicit set wins over the scope
            assert set(Membership._base_manager.values_list("chamber_id", flat=True)) == {other_chamber.pk}
    with scopes_disabled():  # the explicit crossing
        assert Membership.objects.values("chamber_id").distinct().count() == 2


@pytest.mark.django_db(transaction=True)
def test_pages_work_under_the_app_role_and_show_one_chamber(client, chamber, other_chamber, member, secretary,
                                                            outsider, as_app_role):
    own, theirs = "苏州光电缆有限公司", "杭州川味餐饮有限公司"
    client.force_login(secretary)
    response = client.get(reverse("members:list", kwargs={"chamber": chamber.slug}))
    assert response.status_code == 200
    page = response.content.decode()
    assert own in page and theirs not in page
    # The other chamber's page: still 404 for this user, and its own admin sees only its rows.
    assert client.get(reverse("members:list", kwargs={"chamber": other_chamber.slug})).status_code == 404
    client.force_login(outsider)
    response = client.get(reverse("members:list", kwargs={"chamber": other_chamber.slug}))
    assert response.status_code == 200
    page = response.content.decode()
    assert theirs in page and own not in page
    # A page outside any chamber (the home page) works too.
    assert client.get("/").status_code in (200, 302)


@pytest.mark.django_db(transaction=True)
def test_api_chamber_list_under_the_app_role(api, chamber, secretary, as_app_role):
    response = api.as_user(secretary).get("/api/v1/chambers/")
    assert [c["slug"] for c in response.json()["results"]] == [chamber.slug]


@pytest.mark.parametrize("sql, carries", [
    ("SELECT 1", True),
    ("  (SELECT 1) UNION (SELECT 2)", True),
    ("/* a comment */ SELECT 1", True),
    ("-- a comment\nUPDATE t SET a = 1", True),
    ("EXPLAIN SELECT 1", True),
    ("VALUES (1)", True),
    ("FETCH 10 FROM c", True),
    ("BEGIN", False),
    ("SAVEPOINT s1", False),
    ("SET TIME ZONE 'UTC'", False),
])
def test_which_statements_carry_the_chamber_set(sql, carries):
    """Every statement that reads or writes rows is sent with the chamber set; a stale set
    from a reused connection could otherwise answer it (transaction control needs none)."""
    assert bool(rls._DATA_STATEMENT.match(sql)) is carries
