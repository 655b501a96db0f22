"""Reads of reports on a PostgreSQL read replica, everything else on the primary.

When REPLICA_DATABASE_URL is set, settings define a "replica" database alias (a streaming
replica of the primary). Nothing goes there by default: a replica lags the primary by a
moment, and a page that shows what the user has just saved must read the primary. Only
code that reads a large, settle-able picture of the data opts in, with

    with reading_from_replica():
        figures = annual_report_figures(...)

or the `@reads_from_replica` decorator: the annual report's figures, the exports, the
federation's aggregate over its chambers (docs/scaling.md lists them). Those are the heavy
GROUP BYs and long scans; moving them off the primary keeps writes and ordinary pages fast
while a federation prints its reports.

Rules the router keeps, whatever the caller asks:

- Writes always go to "default" (a replica is read-only; PostgreSQL would refuse them).
- Inside a transaction on "default" reads stay on "default": code that has written in the
  transaction must see its own rows, and rows it locked with select_for_update are on the
  primary only. The replica also cannot see uncommitted rows.
- Without a "replica" alias (no REPLICA_DATABASE_URL) everything is "default", and the
  context manager is a no-op.
- Migrations run on "default" only; the replica receives them through replication.

The switch is a context variable, so it holds for the current thread or task only, and a
generator that yields inside the block (a streamed CSV) keeps it while it runs.
"""
import contextlib
import contextvars
import functools
import inspect

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

__all__ = ["REPLICA_ALIAS", "ReplicaRouter", "reading_from_replica", "reads_from_replica", "replica_configured"]

REPLICA_ALIAS = "replica"

_use_replica = contextvars.ContextVar("chamber_use_replica", default=False)


def replica_configured():
    """Whether a replica alias exists (REPLICA_DATABASE_URL set, or the test mirror)."""
    return REPLICA_ALIAS in settings.DATABASES


@contextlib.contextmanager
def reading_from_replica():
    """Send this block's reads to the replica (when there is one and no transaction is open
    on the primary). Nests: an inner block leaves the switch as the outer one set it."""
    token = _use_replica.set(True)
    try:
        yield
    finally:
        _use_replica.reset(token)


def reads_from_replica(function):
    """Decorator: the function's reads go to the replica, as inside `reading_from_replica`.
    A generator function keeps the switch for as long as it is iterated."""
    if inspect.isgeneratorfunction(function):
        @functools.wraps(function)
        def generator_wrapper(*args, **kwargs):
            with reading_from_replica():
                yield from function(*args, **kwargs)
        return generator_wrapper

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with reading_from_replica():
            return function(*args, **kwargs)
    return wrapper


def _replica_for_reads():
    if not _use_replica.get() or not replica_configured():
        return False
    # A transaction on the primary (including select_for_update and the writes before it):
    # its reads must see its own uncommitted rows, which exist on the primary only.
    return not connections[DEFAULT_DB_ALIAS].in_atomic_block


class ReplicaRouter:
    """DATABASE_ROUTERS entry; see the module's docstring for the rules."""

    def db_for_read(self, model, **hints):
        return REPLICA_ALIAS if _replica_for_reads() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows: an object read from the replica may be linked to
        # one read from the primary (and is saved to the primary).
        known = {DEFAULT_DB_ALIAS, REPLICA_ALIAS}
        if obj1._state.db in known and obj2._state.db in known:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
