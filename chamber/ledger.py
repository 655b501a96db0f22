"""Posting money: settlements, write-offs and reversals on a dues invoice or a donation pledge.

One code path for both apps (members.dues, charity), so the rules hold the same way:

- amounts are Decimal with at most two places, positive, never float;
- every entry is posted under a row lock on its document, so two concurrent payments on
  one invoice queue; the second sees the first and is refused if it would overpay;
- the document's running totals are updated in the same transaction as the entry, so a
  balance shown is always the sum of the entries (tests/chamber/test_ledger_properties.py);
- an entry is never edited or deleted: a mistake is undone by a reversal entry, which
  points at the entry it undoes (PostgreSQL refuses UPDATE and DELETE on entry tables);
- settlements get a gapless receipt number of the chamber's series for the year.
"""
import datetime
import decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Round
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import actor_label, audit_record
from .models import EntryKind
from .numbering import number_take

CENT = decimal.Decimal("0.01")
MAX_AMOUNT = decimal.Decimal("999999999999.99")


def money_parse(value, *, field="amount", allow_zero=False):
    """`value` as a Decimal amount of CNY with two places, or a ValidationError in the user's language.

    Floats are refused outright: 0.1 + 0.2 is not 0.3 in binary, and money must add up.
    """
    if isinstance(value, float):
        raise ValidationError({field: _("Amounts must be given as decimal text, not as a floating-point number.")})
    try:
        amount = decimal.Decimal(str(value).strip().replace(",", ""))
    except (decimal.InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("Enter an amount such as 1000 or 1000.50.")}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("Enter an amount such as 1000 or 1000.50.")})
    if amount != amount.quantize(CENT, rounding=decimal.ROUND_DOWN):
        raise ValidationError({field: _("An amount has at most two decimal places (fen).")})
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError({field: _("The amount must be greater than zero.")})
    if amount > MAX_AMOUNT:
        raise ValidationError({field: _("This amount is too large.")})
    return amount.quantize(CENT)


def money_text(amount):
    """1234.5 → '1,234.50', for messages."""
    return "{:,.2f}".format(amount)


def _entry_model(document):
    return document.entries.model


def _locked(document):
    model = type(document)
    locked = model.objects.select_for_update().get(pk=document.pk, chamber_id=document.chamber_id)
    locked.chamber = document.chamber
    return locked


def _post(*, document, kind, amount, actor, occurred_on, method="", reference="", reason="", reverses=None):
    entry_model = _entry_model(document)
    number = ""
    if kind == EntryKind.SETTLEMENT:
        number = number_take(chamber=document.chamber, series=document.receipt_series,
                             year=timezone.localdate().year)
    entry = entry_model.objects.create(
        chamber=document.chamber,
        **{document.entries.field.name: document},
        kind=kind,
        amount=amount,
        number=number,
        occurred_on=occurred_on,
        method=method or "",
        reference=(reference or "").strip(),
        reason=(reason or "").strip(),
        reverses=reverses,
        created_by=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label(actor)[:150],
    )
    bucket = kind if kind != EntryKind.REVERSAL else reverses.kind
    field = "settled_amount" if bucket == EntryKind.SETTLEMENT else "written_off_amount"
    setattr(document, field, getattr(document, field) + amount)
    document.save(update_fields=[field])
    return entry


def _totals_change(document, field, amount):
    """The document's running total and outstanding amount before and after a posting
    (`document` already holds the after), for the audit log's before/after."""
    after, outstanding = getattr(document, field), document.outstanding
    return {field: [str(after - amount), str(after)], "outstanding": [str(outstanding + amount), str(outstanding)]}


def _check_date(occurred_on):
    if not isinstance(occurred_on, datetime.date):
        raise ValidationError({"occurred_on": _("Enter a valid date.")})
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("The date cannot be in the future.")})


@transaction.atomic
def ledger_settle(*, document, amount, actor, occurred_on, method, reference="", reason=""):
    """Record money (or goods) received against `document`; refused if it would exceed what is outstanding."""
    amount = money_parse(amount)
    _check_date(occurred_on)
    if not method:
        raise ValidationError({"method": _("Choose how it was paid.")})
    document = _locked(document)
    if amount > document.outstanding:
        raise ValidationError({"amount": _(
            "This would pay more than is outstanding ({outstanding} yuan). Nothing was recorded."
        ).format(outstanding=money_text(document.outstanding))})
    entry = _post(document=document, kind=EntryKind.SETTLEMENT, amount=amount, actor=actor,
                  occurred_on=occurred_on, method=method, reference=reference, reason=reason)
    audit_record(chamber=document.chamber, actor=actor, action="settle", target=document, reason=reason,
                 changes={"receipt": [None, entry.number], "amount": [None, str(amount)], "method": [None, method],
                          "reference": [None, entry.reference or None], **_totals_change(document, "settled_amount", amount)})
    return entry


@transaction.atomic
def ledger_write_off(*, document, amount, actor, reason, occurred_on=None):
    """Forgive (dues waiver) or withdraw (pledge not honoured) part or all of what is outstanding."""
    amount = money_parse(amount)
    occurred_on = occurred_on or timezone.localdate()
    _check_date(occurred_on)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Please give a reason.")})
    document = _locked(document)
    if amount > document.outstanding:
        raise ValidationError({"amount": _(
            "Only {outstanding} yuan is outstanding. Nothing was recorded."
        ).format(outstanding=money_text(document.outstanding))})
    entry = _post(document=document, kind=EntryKind.WRITE_OFF, amount=amount, actor=actor,
                  occurred_on=occurred_on, reason=reason)
    audit_record(chamber=document.chamber, actor=actor, action="write_off", target=document,
                 changes={"amount": [None, str(amount)], **_totals_change(document, "written_off_amount", amount)},
                 reason=reason)
    return entry


@transaction.atomic
def ledger_reverse(*, entry, actor, reason, occurred_on=None):
    """Undo a posted settlement or write-off with a reversal entry; the original stays as it was."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Please give a reason for the reversal.")})
    if entry.kind == EntryKind.REVERSAL:
        raise ValidationError({"entry": _("A reversal cannot itself be reversed; record a new entry instead.")})
    occurred_on = occurred_on or timezone.localdate()
    _check_date(occurred_on)
    document = _locked(getattr(entry, entry.__class__.document_field))
    # Under the document's lock: a concurrent reversal of the same entry has committed by now.
    if type(entry).objects.filter(chamber_id=entry.chamber_id, reverses=entry).exists():
        raise ValidationError({"entry": _("This entry has already been reversed.")})
    reversal = _post(document=document, kind=EntryKind.REVERSAL, amount=-entry.amount, actor=actor,
                     occurred_on=occurred_on, method=entry.method, reference=entry.number, reason=reason,
                     reverses=entry)
    field = "settled_amount" if entry.kind == EntryKind.SETTLEMENT else "written_off_amount"
    audit_record(chamber=document.chamber, actor=actor, action="reverse", target=document,
                 changes={"reversed": [str(entry), None], "amount": [None, str(-entry.amount)],
                          **_totals_change(document, field, -entry.amount)}, reason=reason)
    return reversal


def ledger_mismatches(document_model, *, chamber=None):
    """Documents whose running totals differ from the sums of their entries (should be none).

    One query per document table, whatever its size: `manage.py money_reconcile` runs it
    over every chamber, and the property tests over random histories.
    """
    entry_model = document_model.entries.field.model
    link = document_model.entries.field.name

    def summed(kind):
        of_kind = Q(kind=kind) | Q(kind=EntryKind.REVERSAL, reverses__kind=kind)
        total = (entry_model.objects.filter(of_kind, **{link: OuterRef("pk")}).order_by()
                 .values(link).annotate(s=Sum("amount")).values("s"))
        # Rounded to the fen: SQLite sums decimals as binary floats.
        return Round(Coalesce(Subquery(total), Value(decimal.Decimal("0")), output_field=DecimalField()), 2)

    documents = document_model.objects.all() if chamber is None else document_model.objects.filter(chamber=chamber)
    return (documents.annotate(entries_settled=summed(EntryKind.SETTLEMENT), entries_written_off=summed(EntryKind.WRITE_OFF))
            .exclude(settled_amount=F("entries_settled"), written_off_amount=F("entries_written_off")))


def ledger_totals_match(document):
    """True when the document's stored running totals equal the sums of its entries."""
    return not ledger_mismatches(type(document)).filter(pk=document.pk).exists()


# The database's own guard: PostgreSQL refuses to change or delete a posted entry, and to
# change a document's amount or delete a document. Only on PostgreSQL: SQLite test
# databases are emptied with DELETE between transactional tests.
_GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'posted money records are never changed or deleted; post a reversal (%)', TG_TABLE_NAME;
END $$ LANGUAGE plpgsql;
"""


def ledger_guard_sql(*, entry_table, document_table):
    """SQL (PostgreSQL) that makes `entry_table` append-only and fixes `document_table`'s amount."""
    return _GUARD_FUNCTION + """
CREATE TRIGGER {e}_append_only BEFORE UPDATE OR DELETE ON {e}
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER {d}_no_delete BEFORE DELETE ON {d}
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER {d}_amount_fixed BEFORE UPDATE OF amount ON {d}
  FOR EACH ROW WHEN (OLD.amount IS DISTINCT FROM NEW.amount) EXECUTE FUNCTION ledger_refuse_change();
""".format(e=entry_table, d=document_table)


def ledger_guard_operation(*, entry_table, document_table):
    """A migration operation installing ledger_guard_sql on PostgreSQL (nothing elsewhere)."""
    from django.db import migrations

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(ledger_guard_sql(entry_table=entry_table, document_table=document_table), params=None)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in (
                f"DROP TRIGGER IF EXISTS {entry_table}_append_only ON {entry_table}",
                f"DROP TRIGGER IF EXISTS {document_table}_no_delete ON {document_table}",
                f"DROP TRIGGER IF EXISTS {document_table}_amount_fixed ON {document_table}",
            ):
                schema_editor.execute(sql)

    return migrations.RunPython(forwards, backwards)
