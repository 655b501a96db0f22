"""Create or update the PostgreSQL role the application connects as (docs/security.md).

Run as the tables' owner, after `migrate`:

    DB_APP_PASSWORD=... python manage.py db_app_role [--role chamber_app]

The role may log in and read and write rows, nothing more: NOSUPERUSER, NOBYPASSRLS, no
CREATEDB/CREATEROLE, owns no table (so the row-level security policies bind it), and gets
SELECT/INSERT/UPDATE/DELETE on every table and USAGE/SELECT/UPDATE on every sequence of the
schema, now and (default privileges) for tables the owner creates later. Safe to run again:
it only converges the role to that state.
"""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

from chamber.settings.env import env_str


def _ident(connection, name):
    return connection.ops.quote_name(name)


class Command(BaseCommand):
    help = "Create or update the application's database role (no table ownership, no BYPASSRLS)."

    def add_arguments(self, parser):
        parser.add_argument("--role", default=settings.DB_APP_ROLE,
                            help="Role name (default: DB_APP_ROLE, chamber_app).")
        parser.add_argument("--database", default="default")
        parser.add_argument("--no-password", action="store_true",
                            help="Leave the password as it is even if DB_APP_PASSWORD is set.")

    def handle(self, *args, role, database, no_password, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("db_app_role needs PostgreSQL (row-level security).")
        password = "" if no_password else env_str("DB_APP_PASSWORD", "")
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_database(), current_schema()")
            owner, database_name, schema = cursor.fetchone()
            if role == owner:
                raise CommandError("Run this as the tables' owner, not as {}.".format(role))
            result = app_role_ensure(cursor, connection, role=role, owner=owner,
                                     database_name=database_name, schema=schema, password=password)
        self.stdout.write("{} role {}: LOGIN NOSUPERUSER NOBYPASSRLS, owns no table, "
                          "DML on {} tables of schema {}.".format(result, role, database_name, schema))


def app_role_ensure(cursor, connection, *, role, owner, database_name, schema, password=""):
    """Converge `role` to the application role's rights; returns "created" or "updated"."""
    q_role, q_schema = _ident(connection, role), _ident(connection, schema)
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    created = cursor.fetchone() is None
    attributes = "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION INHERIT"
    cursor.execute("{} ROLE {} {}".format("CREATE" if created else "ALTER", q_role, attributes))
    if password:
        cursor.execute("ALTER ROLE {} PASSWORD %s".format(q_role), [password])
    # Owning a table would exempt the role from that table's policies (ENABLE, not FORCE).
    cursor.execute("SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = %s)",
                   [role])
    if cursor.fetchone()[0]:
        raise CommandError("Role {} owns tables; reassign them to the owner first "
                           "(REASSIGN OWNED BY {} TO {}).".format(role, role, owner))
    statements = [
        "GRANT CONNECT ON DATABASE {} TO {}".format(_ident(connection, database_name), q_role),
        "GRANT USAGE ON SCHEMA {} TO {}".format(q_schema, q_role),
        "REVOKE CREATE ON SCHEMA {} FROM {}".format(q_schema, q_role),
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}".format(q_schema, q_role),
        "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {} TO {}".format(q_schema, q_role),
        "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
        .format(_ident(connection, owner), q_schema, q_role),
        "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {}"
        .format(_ident(connection, owner), q_schema, q_role),
        # The audit trail is append-only for the app (chamber.models.AuditEntry): no UPDATE or
        # DELETE, but the actor column, which PostgreSQL nulls when a user is deleted.
        "REVOKE UPDATE, DELETE ON {} FROM {}".format(_ident(connection, "chamber_auditentry"), q_role),
        "GRANT UPDATE (actor_id) ON {} TO {}".format(_ident(connection, "chamber_auditentry"), q_role),
    ]
    for statement in statements:
        cursor.execute(statement)
    return "created" if created else "updated"
