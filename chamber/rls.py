"""PostgreSQL row-level security: the database's own wall between chambers (docs/security.md).

django-scopes is the first wall: a query on a tenant model outside `scope(chamber=...)`
raises. This module adds a second one that does not depend on the ORM being used right:
every tenant table gets a policy that shows (and accepts) only rows whose chamber is in the
*chamber set* of the statement, so raw SQL, an unscoped base manager or a forgotten filter
still cannot read another chamber's rows when the application connects as a role that owns
no table and has no BYPASSRLS (`manage.py db_app_role`).

Where the chamber set comes from: django-scopes' own state, so the two walls agree and no
call site changes.

- inside `scope(chamber=c)` (every tenant request, via ChamberMiddleware; tasks; commands):
  the set is {c};
- inside `scopes_disabled()` (the narrow, explicit crossings: the federation reading its
  supervised chambers, the reminder inbox across a user's chambers, API key look-up,
  cross-chamber tasks and commands): every chamber;
- anywhere else: no chamber, so tenant tables return no rows and accept no writes.

How it is passed: with RLS_ENFORCED, an execute wrapper puts
`SELECT set_config('app.chamber_ids', '<ids>', false), set_config('app.all_chambers', ...)`
in front of every data statement (the same round trip; psycopg2 returns the last result).
Each statement carries its own set, so nothing leaks between requests on a reused
connection (CONN_MAX_AGE), a rolled-back transaction cannot undo it, and it works behind a
transaction-pooling PgBouncer. Server-side cursors (`.iterator()`), which cannot take a
second statement in their DECLARE, get the set in a separate statement just before.

Policies are derived from the models, like content types: a post_migrate handler
(re)creates the helper functions and a policy on every tenant table, idempotently, so a
table added later gets its policy at the next `migrate`. ENABLE, not FORCE: the tables'
owner (who runs migrations, and the superuser the tests connect as) is not subject to them.
"""
import contextvars
import re

from django.conf import settings
from django.db import connections

POLICY = "chamber_wall_v1"  # bump the suffix when the expression changes: the old one is dropped
_POLICY_PREFIX = "chamber_wall"

# name -> (return type, body). Created or replaced only when the body differs, so the
# post_migrate run that follows every flush of a test database writes no catalog row.
FUNCTIONS = {
    "chamber_rls_ids": ("bigint[]", """
  SELECT coalesce(string_to_array(nullif(current_setting('app.chamber_ids', true), ''), ',')::bigint[],
                  '{}'::bigint[])
"""),
    "chamber_rls_all": ("boolean", """
  SELECT coalesce(current_setting('app.all_chambers', true), '') = 'on'
"""),
}

# The sub-selects make PostgreSQL evaluate the setting once per statement (an InitPlan),
# not once per row, and leave the user's own `chamber_id = X` free to use its index.
# (The cast keeps `= ANY (...)` reading an array, not the rows of a sub-select.)
_DIRECT = '((SELECT chamber_rls_all()) OR "chamber_id" = ANY ((SELECT chamber_rls_ids())::bigint[]))'


def _quote(name):
    return '"{}"'.format(name.replace('"', '""'))


def tenant_tables():
    """Every table of a tenant row: [(table, expression)], derived from the models.

    Direct: a concrete model with a `chamber` foreign key to Chamber. Parent-only: a table
    without one whose non-null foreign key points at a direct tenant table (the M2M through
    tables of document batches, guardian's direct object-permission tables); its row is
    visible exactly when its parent is, because the parent's own policy applies inside the
    sub-select.
    """
    from django.apps import apps

    from .models import Chamber

    def has_chamber(model):
        return any(f.name == "chamber" and f.is_relation and f.related_model is Chamber
                   for f in model._meta.concrete_fields)

    result = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        if has_chamber(model):
            result.append((meta.db_table, _DIRECT))
            continue
        for field in meta.concrete_fields:
            if field.is_relation and (field.many_to_one or field.one_to_one) and not field.null \
                    and field.related_model is not Chamber and has_chamber(field.related_model):
                parent = field.related_model._meta
                expression = "EXISTS (SELECT 1 FROM {p} WHERE {p}.{pk} = {t}.{col})".format(
                    p=_quote(parent.db_table), pk=_quote(parent.pk.column),
                    t=_quote(meta.db_table), col=_quote(field.column))
                result.append((meta.db_table, expression))
                break
    return sorted(set(result))


def apply_policies(using="default"):
    """Create the helper functions and one policy per tenant table; safe to run again.

    Returns the number of policies created (0 when everything was already in place).
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    created = 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT proname, prosrc FROM pg_proc WHERE pronamespace = current_schema()::regnamespace"
                       " AND proname = ANY (%s)", [list(FUNCTIONS)])
        bodies = dict(cursor.fetchall())
        for name, (returns, body) in FUNCTIONS.items():
            if bodies.get(name) != body:
                cursor.execute("CREATE OR REPLACE FUNCTION {}() RETURNS {} LANGUAGE sql STABLE PARALLEL SAFE"
                               " AS $body${}$body$".format(name, returns, body))
        cursor.execute("SELECT relname FROM pg_class WHERE relkind = 'r' AND relrowsecurity"
                       " AND relnamespace = current_schema()::regnamespace")
        enabled = {row[0] for row in cursor.fetchall()}
        existing_tables = set(connection.introspection.table_names(cursor))
        cursor.execute("SELECT tablename, policyname FROM pg_policies WHERE schemaname = current_schema()"
                       " AND policyname LIKE %s", [_POLICY_PREFIX + "%"])
        policies = {}
        for table, name in cursor.fetchall():
            policies.setdefault(table, set()).add(name)
        for table, expression in tenant_tables():
            if table not in existing_tables:  # a model whose migration has not run (migrate app X)
                continue
            if table not in enabled:
                cursor.execute("ALTER TABLE {} ENABLE ROW LEVEL SECURITY".format(_quote(table)))
            for stale in policies.get(table, set()) - {POLICY}:
                cursor.execute("DROP POLICY {} ON {}".format(_quote(stale), _quote(table)))
            if POLICY not in policies.get(table, set()):
                cursor.execute("CREATE POLICY {} ON {} USING ({}) WITH CHECK ({})".format(
                    _quote(POLICY), _quote(table), expression, expression))
                created += 1
    return created


def post_migrate_apply(sender, using="default", **kwargs):
    """post_migrate handler (connected once, for the chamber app): re-apply the policies."""
    apply_policies(using)


# --- The chamber set of the current statement -------------------------------------------

# An explicit set that wins over django-scopes' state (tests, or code that must narrow a
# scopes_disabled block); None: follow django-scopes.
_override = contextvars.ContextVar("chamber_rls_override", default=None)


def _ids_of(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return [i for item in value for i in _ids_of(item)]
    return [int(getattr(value, "pk", value))]


def current_chamber_set():
    """(ids, all_chambers) the next statement runs with."""
    override = _override.get()
    if override is not None:
        return override
    from django_scopes import get_scope

    state = get_scope()
    if not state:
        return (), False
    if not state.get("_enabled", True):
        return (), True
    return tuple(sorted(set(_ids_of(state.get("chamber"))))), False


class chambers:
    """Context manager: run the block with exactly these chambers visible to the database
    (ids or Chamber objects), whatever django-scopes says. `chambers(all=True)` is the
    system context; `chambers()` shows nothing."""

    def __init__(self, *ids, all=False):  # noqa: A002 (reads well at the call site)
        self.value = (tuple(sorted(set(_ids_of(list(ids))))), bool(all))

    def __enter__(self):
        self.token = _override.set(self.value)
        return self

    def __exit__(self, *exc):
        _override.reset(self.token)


_DATA_STATEMENT = re.compile(
    r"^\s*(?:/\*.*?\*/\s*|--[^\n]*\n\s*)*\(?\s*(SELECT|INSERT|UPDATE|DELETE|WITH|MERGE|COPY|EXPLAIN|VALUES|TABLE|FETCH)\b",
    re.IGNORECASE | re.DOTALL)


def set_sql(chamber_set):
    ids, everything = chamber_set
    return "SELECT set_config('app.chamber_ids', '{}', false), set_config('app.all_chambers', '{}', false)".format(
        ",".join(str(int(i)) for i in ids), "on" if everything else "off")


def execute_wrapper(execute, sql, params, many, context):
    """Django execute wrapper: the statement runs with the current chamber set."""
    if not isinstance(sql, str) or not _DATA_STATEMENT.match(sql):
        return execute(sql, params, many, context)
    prefix = set_sql(current_chamber_set())
    raw = context["cursor"].cursor
    if getattr(raw, "name", None):  # a named (server-side) cursor: DECLARE takes one statement
        with context["connection"].connection.cursor() as plain:
            plain.execute(prefix)
        return execute(sql, params, many, context)
    return execute(prefix + ";\n" + sql, params, many, context)


def install(connection):
    """Add the wrapper to a PostgreSQL connection, once (connection_created calls this)."""
    if connection.vendor == "postgresql" and execute_wrapper not in connection.execute_wrappers:
        connection.execute_wrappers.append(execute_wrapper)


def on_connection_created(sender, connection, **kwargs):
    if getattr(settings, "RLS_ENFORCED", False):
        install(connection)


def connect_signals():
    """Called from ChamberConfig.ready()."""
    from django.apps import apps
    from django.db.backends.signals import connection_created
    from django.db.models.signals import post_migrate

    post_migrate.connect(post_migrate_apply, sender=apps.get_app_config("chamber"),
                         dispatch_uid="chamber_rls_policies")
    connection_created.connect(on_connection_created, dispatch_uid="chamber_rls_wrapper")
