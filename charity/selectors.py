"""Reads of charity: programmes with totals, donations, totals per programme, donor, branch and
year, the member page's section and a programme's honour roll.

Totals are read from the donations' running totals (kept by chamber.ledger in the same
transaction as each entry), so a programme's figures are one grouped scan of the donation
table, however many entries there are: pledged = amount − withdrawn, received = settled.
"""
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext as _

from chamber.models import EntryKind

from .models import Donation, DonationEntry, DonorKind, Programme, Recipient

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=16, decimal_places=2)


def _sum(expression):
    return Coalesce(Sum(expression), Value(ZERO), output_field=MONEY)


# pledged − withdrawn, received, and the number of donations, for any grouping of donations.
TOTALS = {
    "pledged": _sum(F("amount") - F("written_off_amount")),
    "received": _sum("settled_amount"),
    "count": Count("pk"),
}


def _with_outstanding(row):
    row["outstanding"] = row["pledged"] - row["received"]
    return row


def _donations(chamber, year=None):
    donations = Donation.objects.filter(chamber=chamber)
    if year:
        donations = donations.filter(pledged_on__year=year)
    return donations


def _grand(rows):
    grand = {"pledged": ZERO, "received": ZERO, "count": 0}
    for row in rows:
        for key in grand:
            grand[key] += row[key]
    return _with_outstanding(grand)


def programme_totals(*, chamber, year=None):
    """{"rows": [{"programme", "pledged", "received", "outstanding", "count", "progress"}], "total": {...}}.

    Two queries: the programmes, and ONE grouped aggregate over the donation table (no join),
    which PostgreSQL answers in one scan of the chamber's donations.
    """
    programmes = list(Programme.objects.filter(chamber=chamber).select_related("organiser_branch")
                      .order_by("-starts_on", "pk"))
    sums = {row["programme_id"]: row for row in
            _donations(chamber, year).order_by().values("programme_id").annotate(**TOTALS)}
    rows = []
    for programme in programmes:
        row = sums.get(programme.pk, {"pledged": ZERO, "received": ZERO, "count": 0})
        row = _with_outstanding({"programme": programme, "pledged": row["pledged"], "received": row["received"],
                                 "count": row["count"]})
        row["progress"] = _progress(row["received"], programme.goal_amount)
        row["pledged_progress"] = _progress(row["pledged"], programme.goal_amount)
        rows.append(row)
    return {"rows": rows, "total": _grand(rows)}


def _progress(value, goal):
    """Percent of the goal reached (0–100, for a progress bar); None without a goal."""
    if not goal:
        return None
    return int(min(Decimal(100), value * 100 / goal))


def programme_list_with_totals(*, chamber, year=None):
    """The programmes, each with .pledged, .received, .outstanding, .count and .progress attached."""
    result = []
    for row in programme_totals(chamber=chamber, year=year)["rows"]:
        programme = row["programme"]
        for key in ("pledged", "received", "outstanding", "count", "progress", "pledged_progress"):
            setattr(programme, key, row[key])
        result.append(programme)
    return result


def programme_summary(*, programme):
    """One programme's totals (one aggregate query)."""
    row = Donation.objects.filter(chamber_id=programme.chamber_id, programme=programme).aggregate(**TOTALS)
    row = _with_outstanding(row)
    row["progress"] = _progress(row["received"], programme.goal_amount)
    row["pledged_progress"] = _progress(row["pledged"], programme.goal_amount)
    return row


def programme_years(*, chamber):
    """The years in which donations were pledged, latest first (for the year filter)."""
    years = (Donation.objects.filter(chamber=chamber).order_by().annotate(y=ExtractYear("pledged_on"))
             .values_list("y", flat=True).distinct())
    return sorted(set(years), reverse=True)


def recipient_list(*, programme):
    """A programme's recipients by name."""
    return Recipient.objects.filter(chamber_id=programme.chamber_id, programme=programme).order_by("name", "pk")


def donation_list(*, chamber, programme=None, donor_kind=None, branch=None, year=None, q=None):
    """Donations, latest pledge first (pk as the tie-breaker), with what a table row shows joined in."""
    donations = (Donation.objects.filter(chamber=chamber)
                 .select_related("programme", "branch", "recipient", "membership")
                 .order_by("-pledged_on", "-pk"))
    if programme is not None:
        donations = donations.filter(programme=programme)
    if donor_kind:
        donations = donations.filter(donor_kind=donor_kind)
    if branch is not None:
        donations = donations.filter(branch=branch)
    if year:
        donations = donations.filter(pledged_on__year=year)
    q = (q or "").replace("\x00", "").strip()  # PostgreSQL refuses NUL in text
    if q:
        donations = donations.filter(Q(donor_name__icontains=q) | Q(goods_description__icontains=q))
    return donations


def donation_entries(*, donation):
    """A donation's entries in posting order, with what each reverses and whether it was reversed."""
    return (DonationEntry.objects.filter(chamber_id=donation.chamber_id, donation=donation)
            .select_related("reverses", "reversed_by").order_by("created_at", "pk"))


def donor_totals(*, chamber, year=None):
    """Totals per donor, most received first. A donor is a member, an officer, a branch that
    gave in its own name, or an outside donor by name."""
    donor_branch = Case(When(donor_kind=DonorKind.BRANCH, then=F("branch_id")), default=None,
                        output_field=IntegerField())
    rows = (_donations(chamber, year).order_by()
            .annotate(donor_branch=donor_branch)
            .values("donor_kind", "membership_id", "person_id", "donor_branch", "donor_name")
            .annotate(**TOTALS).order_by("-received", "-pledged", "donor_name", "donor_kind"))
    return [_with_outstanding(row) for row in rows]


def branch_totals(*, chamber, year=None):
    """Totals per branch credited (the donating branch, the member's or the officer's); donations
    credited to no branch form the last row, named as such."""
    rows = list(_donations(chamber, year).order_by().values("branch_id", "branch__name", "branch__path")
                .annotate(**TOTALS))
    rows.sort(key=lambda r: (r["branch_id"] is None, r["branch__path"] or ""))
    for row in rows:
        row["name"] = row["branch__name"] or _("Not credited to a branch")
        _with_outstanding(row)
    return rows


def year_totals(*, chamber):
    """Per year: pledged (by the pledge's date, less withdrawals) and received (by the receipt's
    date, reversals of receipts counted in the year they were posted). Two grouped queries."""
    pledged = {row["year"]: row for row in Donation.objects.filter(chamber=chamber).order_by()
               .annotate(year=ExtractYear("pledged_on")).values("year").annotate(**TOTALS)}
    received_entries = DonationEntry.objects.filter(chamber=chamber).filter(
        Q(kind=EntryKind.SETTLEMENT) | Q(kind=EntryKind.REVERSAL, reverses__kind=EntryKind.SETTLEMENT))
    received = {row["year"]: row["received"] for row in received_entries.order_by()
                .annotate(year=ExtractYear("occurred_on")).values("year").annotate(received=_sum("amount"))}
    rows = []
    for year in sorted(set(pledged) | set(received), reverse=True):
        row = pledged.get(year, {"pledged": ZERO, "count": 0})
        rows.append({"year": year, "pledged": row["pledged"], "count": row["count"],
                     "received": received.get(year, ZERO)})
    return rows


TOTALS_BY = ("programme", "donor", "branch", "year")


def totals_by(*, chamber, by, year=None):
    """Totals grouped by programme, donor, branch or year: rows of key, label and sums, and the total."""
    if by == "programme":
        rows = [dict(row, key=str(row["programme"].pk), label=row["programme"].name)
                for row in programme_totals(chamber=chamber, year=year)["rows"]]
    elif by == "donor":
        rows = [dict(row, key=None, label=row["donor_name"]) for row in donor_totals(chamber=chamber, year=year)]
    elif by == "branch":
        rows = [dict(row, key=str(row["branch_id"]) if row["branch_id"] else None, label=row["name"])
                for row in branch_totals(chamber=chamber, year=year)]
    elif by == "year":
        year = None  # every year, side by side
        rows = [_with_outstanding(dict(row, key=str(row["year"]), label=str(row["year"])))
                for row in year_totals(chamber=chamber)]
    else:
        raise ValueError("unknown grouping {!r}".format(by))
    total = dict(_grand(rows), key=None, label=_("Total"))
    return {"by": by, "year": year, "rows": rows, "total": total}


def member_donation_summary(*, membership):
    """The member page's donations section: the latest 20 donations and the member's totals."""
    donations = Donation.objects.filter(chamber_id=membership.chamber_id, membership=membership)
    totals = _with_outstanding(donations.order_by().aggregate(**TOTALS))
    latest = list(donations.select_related("programme").order_by("-pledged_on", "-pk")[:20])
    return {"donations": latest, "pledged": totals["pledged"], "received": totals["received"],
            "outstanding": totals["outstanding"], "count": totals["count"]}


def honour_roll(*, programme):
    """Donors with something received, most first; anonymous donors merged into one row
    (爱心人士) that the public page shows without an amount."""
    donor_branch = Case(When(donor_kind=DonorKind.BRANCH, then=F("branch_id")), default=None,
                        output_field=IntegerField())
    base = Donation.objects.filter(chamber_id=programme.chamber_id, programme=programme, settled_amount__gt=0)
    named = (base.filter(anonymous=False).order_by().annotate(donor_branch=donor_branch)
             .values("donor_kind", "membership_id", "person_id", "donor_branch", "donor_name")
             .annotate(received=_sum("settled_amount"))
             .order_by("-received", "donor_name", "donor_kind"))
    rows = [{"name": row["donor_name"], "received": row["received"], "anonymous": False} for row in named]
    hidden = base.filter(anonymous=True).order_by().aggregate(received=_sum("settled_amount"), donors=Count("pk"))
    if hidden["donors"]:
        rows.append({"name": _("Caring donor"), "received": hidden["received"], "anonymous": True,
                     "donors": hidden["donors"]})
    return rows
