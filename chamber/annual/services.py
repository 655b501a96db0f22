"""Writes of the annual report's hand-entered data: work records (create, change, delete)
and the inputs of a chamber's AnnualReport for a year. Each runs in a transaction and leaves
an audit entry with the values before and after.

The rules live here, not in the forms, because the report page (and any import) saves
through the same functions: a record keeps only the fields its kind uses (a level on a
publicity article would be counted nowhere and mislead whoever reads the row later).
"""
import datetime
import decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chamber.audit import audit_record, diff, snapshot
from chamber.ledger import money_parse
from members.models import Level

from .models import AnnualReport, Medium, ProposalBody, WorkRecord, WorkRecordKind

WORK_RECORD_FIELDS = ("kind", "occurred_on", "title", "level", "body", "medium", "amount", "outcome", "achieved")
# The fields only some kinds use: kind -> the ones it keeps. The rest are cleared on save.
KIND_FIELDS = {
    WorkRecordKind.HONOUR: ("level",),
    WorkRecordKind.PROPOSAL: ("level", "body"),
    WorkRecordKind.PUBLICITY: ("medium",),
    WorkRecordKind.INVESTMENT: ("amount",),
}
SPECIFIC_FIELDS = ("level", "body", "medium", "amount")
INPUT_FIELDS = ("summary", "above_size_enterprises", "none_confirmed")
YEAR_MIN, YEAR_MAX = 2000, 2100
SUMMARY_MAX = 5000


def kind_fields(kind):
    """The kind-specific fields a record of `kind` keeps (empty for the others)."""
    return KIND_FIELDS.get(kind, ())


def _required_messages():
    # Built at call time: the messages are in the language of the request, not of the import.
    return {
        WorkRecordKind.HONOUR: ("level", _("Choose the level of the honour (national, provincial, city or county).")),
        WorkRecordKind.PROPOSAL: ("body", _("Choose where the proposal or motion went: people's congress, CPPCC "
                                            "or party congress.")),
        WorkRecordKind.PUBLICITY: ("medium", _("Choose the medium the article appeared in.")),
    }


def _clean_amount(value):
    """`value` as a Decimal of two places, None when empty; a ValidationError on `amount`."""
    if value in (None, ""):
        return None
    if not isinstance(value, float):
        try:
            if decimal.Decimal(str(value).strip().replace(",", "")) < 0:
                raise ValidationError({"amount": _("The amount cannot be negative.")})
        except (decimal.InvalidOperation, TypeError, ValueError):
            pass  # money_parse says what is wrong with it
    return money_parse(value, field="amount", allow_zero=True)


def _work_record_validate(record, today=None):
    """Normalise `record` in place (trimmed text, irrelevant fields cleared) and raise one
    ValidationError naming every field that is wrong."""
    today = today or timezone.localdate()
    errors = {}
    record.title = (record.title or "").strip()
    record.outcome = (record.outcome or "").strip()
    record.achieved = bool(record.achieved)
    for name in ("level", "body", "medium"):
        setattr(record, name, getattr(record, name) or "")
    if record.kind not in WorkRecordKind.values:
        errors["kind"] = _("Choose the kind of record.")
    else:
        keeps = kind_fields(record.kind)
        for name in SPECIFIC_FIELDS:
            if name not in keeps:
                setattr(record, name, None if name == "amount" else "")
    if not isinstance(record.occurred_on, datetime.date) or isinstance(record.occurred_on, datetime.datetime):
        errors["occurred_on"] = _("Enter the date, e.g. 2026-03-15.")
    elif record.occurred_on > today:
        errors["occurred_on"] = _("The date cannot be later than today ({today}).").format(today=today.isoformat())
    if not record.title:
        errors["title"] = _("Give the record a title.")
    elif len(record.title) > 200:
        errors["title"] = _("The title is at most {n} characters.").format(n=200)
    if len(record.outcome) > 500:
        errors["outcome"] = _("The outcome is at most {n} characters.").format(n=500)
    for name, choices in (("level", Level), ("body", ProposalBody), ("medium", Medium)):
        if getattr(record, name) and getattr(record, name) not in choices.values:
            errors[name] = _("Choose one of the listed options.")
    required = _required_messages().get(record.kind)
    if required and not getattr(record, required[0]) and required[0] not in errors:
        errors[required[0]] = required[1]
    try:
        record.amount = _clean_amount(record.amount)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)


def _check_fields(fields):
    unknown = set(fields) - set(WORK_RECORD_FIELDS)
    if unknown:
        raise TypeError("unknown work record fields: {}".format(", ".join(sorted(unknown))))


@transaction.atomic
def work_record_create(*, chamber, actor, **fields):
    """A new work record of `chamber` from WORK_RECORD_FIELDS (kind, occurred_on and title
    required; the fields its kind does not use are dropped)."""
    _check_fields(fields)
    record = WorkRecord(chamber=chamber, created_by=actor if getattr(actor, "pk", None) else None, **fields)
    _work_record_validate(record)
    record.save()
    audit_record(chamber=chamber, actor=actor, action="create", target=record,
                 changes={k: [None, v] for k, v in snapshot(record, WORK_RECORD_FIELDS).items()
                          if v not in ("", None, False)})
    return record


@transaction.atomic
def work_record_update(*, record, actor, **fields):
    """Change a work record (any of WORK_RECORD_FIELDS); changing the kind clears the
    fields the new kind does not use. Audited only when something changed."""
    _check_fields(fields)
    before = snapshot(record, WORK_RECORD_FIELDS)
    for name, value in fields.items():
        setattr(record, name, value)
    _work_record_validate(record)
    changes = diff(before, snapshot(record, WORK_RECORD_FIELDS))
    if changes:
        record.save()
        audit_record(chamber=record.chamber, actor=actor, action="update", target=record, changes=changes)
    return record


@transaction.atomic
def work_record_delete(*, record, actor):
    """Delete a work record entered by mistake; the audit log keeps what it said."""
    audit_record(chamber=record.chamber, actor=actor, action="delete", target=record,
                 changes={k: [v, None] for k, v in snapshot(record, WORK_RECORD_FIELDS).items()
                          if v not in ("", None, False)})
    record.delete()


def _inputs_validate(year, summary, above_size_enterprises, none_confirmed):
    """The inputs normalised: (summary, above_size_enterprises, none_confirmed in the kinds'
    order without repeats); a ValidationError naming each field that is wrong."""
    errors = {}
    if not isinstance(year, int) or isinstance(year, bool) or not YEAR_MIN <= year <= YEAR_MAX:
        errors["year"] = _("The year must be between {first} and {last}.").format(first=YEAR_MIN, last=YEAR_MAX)
    summary = (summary or "").strip()
    if len(summary) > SUMMARY_MAX:
        errors["summary"] = _("The summary is at most {n} characters.").format(n=SUMMARY_MAX)
    if above_size_enterprises in ("", None):
        above_size_enterprises = None
    elif isinstance(above_size_enterprises, bool):
        errors["above_size_enterprises"] = _("Enter a whole number of enterprises, or leave it empty.")
    else:
        try:
            above_size_enterprises = int(str(above_size_enterprises).strip())
        except ValueError:
            errors["above_size_enterprises"] = _("Enter a whole number of enterprises, or leave it empty.")
        else:
            if above_size_enterprises < 0:
                errors["above_size_enterprises"] = _("The number of enterprises cannot be negative.")
    chosen = set(none_confirmed or ())
    if chosen - set(WorkRecordKind.values):
        errors["none_confirmed"] = _("Choose only kinds of work record.")
    if errors:
        raise ValidationError(errors)
    return summary, above_size_enterprises, [kind for kind in WorkRecordKind.values if kind in chosen]


@transaction.atomic
def annual_report_inputs_save(*, chamber, year, actor, summary, above_size_enterprises, none_confirmed):
    """Save what the secretariat adds by hand to `chamber`'s report for `year`: the summary,
    the number of private enterprises above designated size in the area (None: not
    recorded), and the work-record kinds confirmed as none this year. Creates the
    AnnualReport row on the first save; audited when something changed."""
    summary, above_size_enterprises, none_confirmed = _inputs_validate(
        year, summary, above_size_enterprises, none_confirmed)
    report = AnnualReport.objects.select_for_update().filter(chamber=chamber, year=year).first()
    created = report is None
    if created:
        report = AnnualReport(chamber=chamber, year=year)
        before = dict.fromkeys(INPUT_FIELDS)
    else:
        before = snapshot(report, INPUT_FIELDS)
    report.summary, report.above_size_enterprises, report.none_confirmed = (
        summary, above_size_enterprises, none_confirmed)
    changes = diff(before, snapshot(report, INPUT_FIELDS))
    if not created and not changes:
        return report
    report.updated_by = actor if getattr(actor, "pk", None) else None
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        if not created:
            raise
        # Someone else's first save won the race: apply ours to their row.
        return annual_report_inputs_save(chamber=chamber, year=year, actor=actor, summary=summary,
                                         above_size_enterprises=above_size_enterprises,
                                         none_confirmed=none_confirmed)
    audit_record(chamber=chamber, actor=actor, action="create" if created else "update", target=report,
                 changes=changes)
    return report
