"""The contract between the import pipeline (chamber/interchange/importing.py) and the
import kinds each app describes (members/imports.py, charity/imports.py).

A kind names its columns, checks one row at a time without writing anything, applies one
checked row inside the commit's transaction, and takes applied rows back on undo.
"""
import importlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

# The modules that register import kinds with @import_kind (imported on first use).
IMPORT_KIND_MODULES = ("members.imports", "charity.imports")
ROW = "__row__"  # the key of a message about the whole row rather than one cell

_REGISTRY = {}


@dataclass(frozen=True)
class Column:
    """One column of an import file. `header` is the Chinese header of the template; the
    headers are part of the file format, so they are fixed text, not translated."""

    key: str
    header: str
    aliases: tuple = ()
    required: bool = False
    help: str = ""  # a lazily translated note for the template and the mapping page
    example: str = ""


@dataclass
class RowResult:
    """What checking one row found: messages per column key (or ROW)."""

    errors: dict = field(default_factory=dict)
    warnings: dict = field(default_factory=dict)

    def error(self, key, message):
        self.errors.setdefault(key, []).append(str(message))

    def warn(self, key, message):
        self.warnings.setdefault(key, []).append(str(message))


class ImportKindSpec:
    """Base of an import kind. Subclasses set the attributes and the four methods."""

    kind = None  # an ImportKind value
    capability = None  # the capability an importer needs (chamber.access)
    columns = ()
    # Column keys whose non-empty values must not repeat within one file.
    unique_in_file = ()
    # A Django Form class for options chosen once per file (e.g. the charity programme), or None.
    options_form = None

    def prepare(self, *, chamber, options):
        """Lookups loaded once per check or commit (branches and ranks by name, codes already
        in the chamber ...): the `context` handed to the other methods."""
        return {}

    def read_row(self, values, context, result):
        """Read one row's values ({column key: text}) into what apply_row needs, putting
        every problem in `result`. Writes nothing. Checking and applying share it, so the
        row applied is the row checked, read again against the data as it is then."""
        raise NotImplementedError

    def check_row(self, values, context, result):
        """Check one row and put messages in `result`. Writes nothing."""
        self.read_row(values, context, result)

    def checked_row(self, values, context):
        """The row as read_row reads it, or a ValidationError with its messages when it no
        longer passes (the data changed since the preview)."""
        result = RowResult()
        row = self.read_row(values, context, result)
        if result.errors:
            raise ValidationError({key: messages for key, messages in result.errors.items()})
        return row

    def apply_row(self, values, context, *, actor):
        """Save one row that passed the check, through the app's services. Returns a list of
        JSON-able records of what it made or changed, for undo_rows."""
        raise NotImplementedError

    # Optional: `apply_rows(rows, context, *, actor)` applies many checked rows at once and
    # returns one list of records per row (the members kind's bulk inserts). The pipeline
    # calls it in a savepoint per chunk; on a ValidationError or database error it retries
    # that chunk row by row with apply_row, so apply_rows must leave `context` unchanged
    # unless it succeeds.
    # Optional: `template_choices(chamber)` → {column key: [values]}, drop-down lists in the
    # downloadable template.
    # An options_form whose __init__ takes `chamber` is given it; the cleaned options are
    # stored as JSON (model instances as their primary key) and handed to prepare.

    def undo_rows(self, records, *, chamber, actor, batch=None):
        """Take back what apply_row did: `records` holds one list per imported row, in the
        order they were imported; `batch` is the import being undone (for reasons that name
        it). Raises ValidationError when it cannot (e.g. a member made by the import has
        since been given an invoice), and then changes nothing."""
        raise NotImplementedError

    def column(self, key):
        return next(c for c in self.columns if c.key == key)


def import_kind(cls):
    """Register an ImportKindSpec subclass under its `kind`."""
    _REGISTRY[cls.kind] = cls()
    return cls


def import_kinds():
    for module in IMPORT_KIND_MODULES:
        importlib.import_module(module)
    return dict(_REGISTRY)


def import_kind_spec(kind):
    return import_kinds()[kind]
