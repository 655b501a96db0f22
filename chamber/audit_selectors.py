"""Reading the audit log: the chamber's entries filtered by who, what action, which record
and when, and each entry made readable (action label, record type, link, before → after).

Reading costs a fixed number of queries whatever the page holds: the page's entries (1);
their enterprises' member pages (1, only when the page shows enterprise entries). Labels
come from the models' verbose names and from ACTION_LABELS, without queries.
"""
import datetime

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import EXPORT, PERSONAL_DATA_VIEW
from .models import AuditEntry, Role

# Actions written by the services, with their labels; anything else shows as written.
ACTION_LABELS = {
    "create": gettext_lazy("Created"),
    "update": gettext_lazy("Changed"),
    "status": gettext_lazy("Status changed"),
    "rank": gettext_lazy("Rank changed"),
    "branches": gettext_lazy("Branches changed"),
    "contact": gettext_lazy("Contacts"),
    "grant representative": gettext_lazy("Representative granted"),
    "revoke representative": gettext_lazy("Representative removed"),
    "appoint": gettext_lazy("Appointed"),
    "end post": gettext_lazy("Post ended"),
    "carry over": gettext_lazy("Posts carried over"),
    "rotating chair": gettext_lazy("Rotating chair"),
    "liaison": gettext_lazy("Liaison"),
    "settle": gettext_lazy("Payment received"),
    "write_off": gettext_lazy("Waived or withdrawn"),
    "reverse": gettext_lazy("Reversed"),
    "fee schedule create": gettext_lazy("Fee schedule created"),
    "fee schedule set": gettext_lazy("Fee schedule changed"),
    "dues invoices generate": gettext_lazy("Dues invoices issued"),
    "dues lapse": gettext_lazy("Members lapsed for dues"),
    "apply": gettext_lazy("Applied"),
    "recheck": gettext_lazy("Eligibility checked again"),
    "overrule": gettext_lazy("Eligibility check overruled"),
    "review": gettext_lazy("Preliminary review"),
    "withdraw": gettext_lazy("Withdrawn"),
    "scores": gettext_lazy("Scores entered"),
    "submit sheet": gettext_lazy("Score sheet submitted"),
    "reopen sheet": gettext_lazy("Score sheet reopened"),
    "decide": gettext_lazy("Decided"),
    "decision reopen": gettext_lazy("Decision reopened"),
    "objection": gettext_lazy("Objection upheld"),
    "record": gettext_lazy("Rating recorded"),
    "revoke": gettext_lazy("Revoked"),
    EXPORT: gettext_lazy("Export"),
    PERSONAL_DATA_VIEW: gettext_lazy("Personal data viewed"),
}

# The record types the filter offers (the audited records of issue 10), in menu order.
RECORD_TYPES = (
    "members.membership", "members.enterprise", "members.person", "members.term", "members.officerposition",
    "evaluations.submission", "evaluations.scoresheet", "evaluations.rating", "evaluations.campaign",
    "members.duesinvoice", "members.feeschedule", "charity.donation", "charity.programme", "chamber.exportrecord",
)

# Field names that are not model fields, with their labels.
EXTRA_FIELDS = {
    "contact": gettext_lazy("Contact"),
    "representative": gettext_lazy("Representative"),
    "branches": gettext_lazy("Branches"),
    "receipt": gettext_lazy("Receipt"),
    "reversed": gettext_lazy("Entry reversed"),
    "outstanding": gettext_lazy("Outstanding"),
    "where": gettext_lazy("Where"),
    "list": gettext_lazy("List"),
    "personal_data": gettext_lazy("Full personal numbers"),
    "liaison": gettext_lazy("Liaison"),
    "period": gettext_lazy("Period"),
    "posts": gettext_lazy("Posts"),
    "from_term": gettext_lazy("From term"),
    "programme": gettext_lazy("Programme"),
    "donor": gettext_lazy("Donor"),
    "created": gettext_lazy("Created"),
    "numbers": gettext_lazy("Numbers"),
    "skipped_no_rate": gettext_lazy("Skipped (no rate)"),
    "total_amount": gettext_lazy("Total amount"),
}

# Where a record's page is, from its id alone (no query). Enterprises are resolved to their
# member page in one query per page (audit_rows).
TARGET_URLS = {
    "members.membership": "members:detail",
    "members.person": "members:person_edit",
    "members.duesinvoice": "members:dues_invoice",
    "charity.donation": "charity:donation",
    "charity.programme": "charity:programme",
    "evaluations.submission": "evaluations:submission_detail",
    "evaluations.campaign": "evaluations:campaign_detail",
}

PAGE_SIZE = 50


def _model(target_type):
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def action_label(action):
    label = ACTION_LABELS.get(action)
    if label is not None:
        return str(label)
    if action.startswith("figures "):
        return _("Annual figures {year}").format(year=action.split(" ", 1)[1])
    return action


def type_label(target_type):
    model = _model(target_type)
    return str(model._meta.verbose_name) if model is not None else target_type


def field_label(model, name):
    if name.startswith("rate:"):
        return _("Rate: {rank}").format(rank=name[5:])
    if name in EXTRA_FIELDS:
        return str(EXTRA_FIELDS[name])
    if model is not None:
        try:
            return str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            pass
    return name


def value_text(value):
    if value in (None, "", [], {}):
        return "—"
    if value is True or value is False:
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return "；".join("{}={}".format(k, v) for k, v in value.items())
    return str(value)


def action_choices():
    return sorted(((key, str(label)) for key, label in ACTION_LABELS.items()), key=lambda pair: pair[1])


def type_choices():
    return [(key, type_label(key)) for key in RECORD_TYPES]


def audit_actor_choices(*, chamber):
    """The users who hold a role in the chamber (1 query), for the "by" filter."""
    seen, choices = set(), []
    roles = Role.objects.filter(chamber=chamber).select_related("user").order_by("user__username", "pk")
    for role in roles:
        if role.user_id in seen:
            continue
        seen.add(role.user_id)
        choices.append((role.user_id, role.user.get_full_name() or role.user.get_username()))
    return choices


def _date(value):
    """A date of the query string; None when malformed or so far out that a day added or
    taken away would leave the calendar."""
    try:
        day = datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None
    return day if day is None or datetime.MINYEAR < day.year < datetime.MAXYEAR else None


def audit_filters(params):
    """The log's filters from a query string; a malformed value is ignored, never an error."""
    actor = params.get("actor", "")
    filters = {
        # isascii: "²".isdigit() is true too; 18 digits stay within a bigint.
        "actor": int(actor) if actor.isascii() and actor.isdigit() and len(actor) < 19 else None,
        "action": (params.get("action") or "")[:30],
        "type": (params.get("type") or "")[:60],
        "id": (params.get("id") or "")[:40],
        "since": _date(params.get("since")),
        "until": _date(params.get("until")),
    }
    if not filters["type"]:
        filters["id"] = ""  # a record id means something only with its type
    return filters


def audit_list(*, chamber, filters):
    """The chamber's audit entries matching `filters`, newest first (pk breaks ties)."""
    qs = AuditEntry.objects.filter(chamber=chamber)
    if filters.get("actor"):
        qs = qs.filter(actor_id=filters["actor"])
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("type"):
        qs = qs.filter(target_type=filters["type"])
        if filters.get("id"):
            qs = qs.filter(target_id=filters["id"])
    zone = timezone.get_current_timezone()
    if filters.get("since"):
        qs = qs.filter(created_at__gte=datetime.datetime.combine(filters["since"], datetime.time.min, tzinfo=zone))
    if filters.get("until"):
        end = filters["until"] + datetime.timedelta(days=1)
        qs = qs.filter(created_at__lt=datetime.datetime.combine(end, datetime.time.min, tzinfo=zone))
    return qs.order_by("-created_at", "-pk")


def _enterprise_members(chamber, entries):
    """{enterprise id: membership id} for the enterprises among `entries` (1 query, or none)."""
    from members.models import Membership

    ids = {e.target_id for e in entries if e.target_type == "members.enterprise" and e.target_id.isdigit()}
    if not ids:
        return {}
    rows = (Membership.objects.filter(chamber=chamber, enterprise_id__in=[int(i) for i in ids])
            .order_by("enterprise_id", "-pk").values_list("enterprise_id", "pk"))
    found = {}
    for enterprise_id, pk in rows:
        found.setdefault(str(enterprise_id), pk)  # the latest membership of the enterprise
    return found


def target_url(chamber, target_type, target_id, enterprises=None):
    """The record's own page, or None when there is none (or it is not known)."""
    if target_type == "members.enterprise":
        pk = (enterprises or {}).get(target_id)
        target_type, target_id = "members.membership", pk
    name = TARGET_URLS.get(target_type)
    if name is None or not str(target_id or "").isdigit():
        return None
    try:
        return reverse(name, kwargs={"chamber": chamber.slug, "pk": int(target_id)})
    except NoReverseMatch:
        return None


def audit_rows(*, chamber, entries):
    """Entries as dicts for the page and the CSV: the entry, its action and record type in
    words, its record's URL, and the changes as (field, before, after)."""
    entries = list(entries)
    enterprises = _enterprise_members(chamber, entries)
    rows = []
    for entry in entries:
        model = _model(entry.target_type)
        changes = [
            (field_label(model, name), value_text(pair[0]), value_text(pair[1]))
            for name, pair in (entry.changes or {}).items() if isinstance(pair, (list, tuple)) and len(pair) == 2
        ]
        changes += [  # entries written before the one format: a bare value is the "after"
            (field_label(model, name), "—", value_text(value))
            for name, value in (entry.changes or {}).items()
            if not (isinstance(value, (list, tuple)) and len(value) == 2)
        ]
        rows.append({
            "entry": entry,
            "action": action_label(entry.action),
            "type": type_label(entry.target_type),
            "url": target_url(chamber, entry.target_type, entry.target_id, enterprises),
            "changes": changes,
        })
    return rows
