"""The annual report's figures about the chamber's people and organisation: members at the
end of the year and their breakdowns, branches and affiliated chambers, trades and
above-size members, party figures, representative figures, officers. Used by
`chamber.annual.figures.annual_report_figures`; see its docstring for the rules.

Every figure here is one GROUP BY or one conditional aggregate over the chamber's rows, so
the cost does not grow with the number of members beyond the database's own scan.
"""
import datetime
from decimal import Decimal

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import StrIndex, Substr
from django.utils.translation import gettext as _

from branches.models import Branch, BranchKind, BranchStatus
from chamber.models import Chamber, ChamberKind, ChamberStatus
from chamber.validators import INDUSTRY_SECTIONS
from members.models import (
    AnnualFigures,
    Body,
    ChangeField,
    Honour,
    Level,
    Membership,
    MembershipBranch,
    MembershipChange,
    MembershipKind,
    MembershipStatus,
    Person,
    PoliticalAffiliation,
    RepresentativePost,
    Term,
)
from members.selectors import officer_lineup

# An enterprise whose revenue for the year reaches this is "above designated size" (规模以上,
# 主营业务收入 2000 万元及以上), the threshold of the national statistics bureau.
ABOVE_SIZE_REVENUE = Decimal("20000000")
# The division breakdown names this many administrative divisions, then one "other" row.
TOP_DIVISIONS = 15
# Affiliations counted as party members: full and probationary CPC members, as the party's
# own statistics count them (党员人数含预备党员).
PARTY_AFFILIATIONS = (PoliticalAffiliation.CPC, PoliticalAffiliation.CPC_PROBATIONARY)

__all__ = ["ABOVE_SIZE_REVENUE", "member_on_q", "member_figures", "organisation_figures", "party_figures",
           "representative_figures", "officer_figures"]


def withdrawn_q(chamber, prefix=""):
    """Q on Membership (or through `prefix`): an application withdrawn or turned down.

    Leaving an application (applied → left) sets left_on and keeps whatever join date the
    application was entered with, so the dates alone cannot tell it from a member who left:
    its history can (the status change applied → left). An uncorrelated IN (SELECT …) that
    PostgreSQL hashes once: a correlated EXISTS inside the aggregates' FILTERs ran once per
    member (1.3 s for 20,000; bench_annual_report)."""
    history = MembershipChange.objects.filter(
        chamber=chamber, field=ChangeField.STATUS, old_value=MembershipStatus.APPLIED, new_value=MembershipStatus.LEFT,
    ).values("membership_id")
    return Q(**{prefix + "status": MembershipStatus.LEFT, prefix + "pk__in": history})


def member_on_q(chamber, as_of, prefix=""):
    """Q on Membership (or through `prefix`, e.g. "membership__"): a member on `as_of`.

    Joined on or before `as_of`, not left by then (left_on empty or later), and more than
    an applicant — nor an application withdrawn (withdrawn_q), whatever join date it was
    entered with. A join date left empty on a member who is not an applicant (an old roster
    imported without dates) means "a member since before the records": counted, never new.
    A left member without a leaving date left before the records: never counted.
    """
    def q(**lookups):
        return Q(**{prefix + key: value for key, value in lookups.items()})

    left = MembershipStatus.LEFT
    joined = q(joined_on__lte=as_of) | (q(joined_on__isnull=True) & ~q(status=left))
    stayed = q(left_on__gt=as_of) | (q(left_on__isnull=True) & ~q(status=left))
    return ~q(status=MembershipStatus.APPLIED) & joined & stayed & ~withdrawn_q(chamber, prefix)


def _members(chamber, as_of):
    return Membership.objects.filter(chamber=chamber).filter(member_on_q(chamber, as_of))


def _month_bounds(year, month):
    first = datetime.date(year, month, 1)
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first, following - datetime.timedelta(days=1)


def _row(label, count):
    return {"label": str(label), "count": count}


def _counts(chamber, year, as_of):
    """Total on `as_of`, joined and left in the year (to `as_of`), by month, and how many of
    the members are in no branch: one conditional aggregate."""
    start = datetime.date(year, 1, 1)
    # An application withdrawn (applied → left) neither joined nor left, even when it was
    # entered with a join date.
    withdrawn = withdrawn_q(chamber)
    joined = ~Q(status=MembershipStatus.APPLIED) & Q(joined_on__isnull=False) & ~withdrawn
    left = Q(joined_on__isnull=False, left_on__isnull=False) & ~withdrawn
    placed = Exists(MembershipBranch.objects.filter(chamber=chamber, membership=OuterRef("pk")))
    aggregates = {
        "total": Count("pk", filter=member_on_q(chamber, as_of)),
        "unplaced": Count("pk", filter=member_on_q(chamber, as_of) & ~Q(placed)),
        "new": Count("pk", filter=joined & Q(joined_on__gte=start, joined_on__lte=as_of)),
        "left": Count("pk", filter=left & Q(left_on__gte=start, left_on__lte=as_of)),
    }
    for month in range(1, 13):
        first, last = _month_bounds(year, month)
        last = min(last, as_of)
        aggregates["joined_%d" % month] = Count("pk", filter=joined & Q(joined_on__gte=first, joined_on__lte=last))
        aggregates["left_%d" % month] = Count("pk", filter=left & Q(left_on__gte=first, left_on__lte=last))
    return Membership.objects.filter(chamber=chamber).aggregate(**aggregates)


def _by_kind_and_rank(chamber, as_of):
    """(by_kind, by_rank) rows: one GROUP BY (kind, rank). Kinds all listed (0 included), in
    the choices' order; ranks with members, highest first."""
    groups = _members(chamber, as_of).values("kind", "rank_id", "rank__name", "rank__order").annotate(
        n=Count("pk")).order_by()
    kinds, ranks = {}, {}
    for group in groups:
        kinds[group["kind"]] = kinds.get(group["kind"], 0) + group["n"]
        key = (group["rank__order"], group["rank__name"], group["rank_id"])
        ranks[key] = ranks.get(key, 0) + group["n"]
    by_kind = [_row(label, kinds.get(value, 0)) for value, label in MembershipKind.choices]
    by_rank = [_row(name, ranks[(order, name, pk)]) for order, name, pk in sorted(ranks)]
    return by_kind, by_rank


def _by_branch(chamber, as_of, branches, unplaced):
    """Members per top-level node of the tree (each member once per subtree, wherever below
    it they sit), in tree order; then the members placed nowhere. One GROUP BY on the first
    segment of the node's path, which is the top node's id."""
    top = Substr("branch__path", 1, StrIndex("branch__path", Value("/")) - 1)
    counts = {}
    for row in (MembershipBranch.objects.filter(chamber=chamber).filter(member_on_q(chamber, as_of, "membership__"))
                .annotate(top=top).values("top").annotate(n=Count("membership_id", distinct=True)).order_by()):
        counts[str(row["top"])] = row["n"]
    rows = []
    for branch in branches:
        if branch["parent_id"] is not None:
            continue
        n = counts.get(str(branch["pk"]), 0)
        # Archived nodes still holding members are shown: those members are somewhere.
        if branch["status"] == BranchStatus.ACTIVE or n:
            rows.append(_row(branch["name"], n))
    if unplaced:
        rows.append(_row(_("Not in any branch"), unplaced))
    return rows


def _industry(chamber, as_of):
    """(by_industry rows, trades): member enterprises per GB/T 4754 section, and the number of
    distinct two-digit divisions among them (None when no member's code names a division).
    One GROUP BY on the code's first three characters (section letter + division)."""
    groups = (_members(chamber, as_of).filter(enterprise__isnull=False)
              .annotate(code=Substr("enterprise__industry_code", 1, 3)).values("code")
              .annotate(n=Count("pk")).order_by())
    sections, divisions, unknown = {}, set(), 0
    for group in groups:
        code = group["code"] or ""
        if not code:
            unknown += group["n"]
            continue
        sections[code[0]] = sections.get(code[0], 0) + group["n"]
        if len(code) == 3:
            divisions.add(code[1:])
    rows = []
    for letter in sorted(sections):
        name = INDUSTRY_SECTIONS[letter][2] if letter in INDUSTRY_SECTIONS else ""
        rows.append(_row("{} {}".format(letter, name).strip(), sections[letter]))
    if unknown:
        rows.append(_row(_("Industry not recorded"), unknown))
    return rows, (len(divisions) if divisions else None)


def _by_division(chamber, as_of):
    """Member enterprises per administrative division (6-digit code, printed as the code:
    the project holds no table of division names): the TOP_DIVISIONS largest, then the rest
    as one row, then those without a code. One GROUP BY."""
    groups = (_members(chamber, as_of).filter(enterprise__isnull=False).values("enterprise__division_code")
              .annotate(n=Count("pk")).order_by())
    coded, unknown = [], 0
    for group in groups:
        code = group["enterprise__division_code"] or ""
        if code:
            coded.append((-group["n"], code))
        else:
            unknown += group["n"]
    coded.sort()
    rows = [_row(code, -n) for n, code in coded[:TOP_DIVISIONS]]
    rest = -sum(n for n, _code in coded[TOP_DIVISIONS:])
    if rest:
        rows.append(_row(_("Other"), rest))
    if unknown:
        rows.append(_row(_("Division not recorded"), unknown))
    return rows


def member_figures(*, chamber, year, as_of):
    """The report's `members` section, plus the branch list (reused for the organisations
    indicator). Six queries: counts, kinds × ranks, branches, branch subtrees, industries,
    divisions."""
    counts = _counts(chamber, year, as_of)
    by_kind, by_rank = _by_kind_and_rank(chamber, as_of)
    branches = list(Branch.objects.filter(chamber=chamber).values("pk", "parent_id", "name", "kind", "status")
                    .order_by("path", "pk"))
    by_industry, trades = _industry(chamber, as_of)
    members = {
        "total": counts["total"], "new": counts["new"], "left": counts["left"],
        "by_kind": by_kind, "by_rank": by_rank,
        "by_branch": _by_branch(chamber, as_of, branches, counts["unplaced"]),
        "by_industry": by_industry, "by_division": _by_division(chamber, as_of),
        "monthly": [{"month": m, "joined": counts["joined_%d" % m], "left": counts["left_%d" % m]}
                    for m in range(1, 13)],
    }
    return members, branches, trades


def organisation_figures(*, chamber, year, as_of, branches, trades, report):
    """Item 3: industry and out-of-town organisations (active branches of the kind and
    affiliated chambers of the kind), trades, above-size members and the coverage rate.
    Two queries: affiliated chambers by kind, the members' annual figures."""
    affiliated = dict(Chamber.objects.filter(supervising_federation=chamber).exclude(status=ChamberStatus.DISSOLVED)
                      .values_list("kind").annotate(n=Count("pk")).order_by())
    active = {}
    for branch in branches:
        if branch["status"] == BranchStatus.ACTIVE:
            active[branch["kind"]] = active.get(branch["kind"], 0) + 1
    member_enterprises = _members(chamber, as_of).filter(enterprise__isnull=False).values("enterprise_id")
    sizes = AnnualFigures.objects.filter(
        chamber=chamber, year=year, revenue__isnull=False, enterprise_id__in=member_enterprises,
    ).aggregate(recorded=Count("pk"), above=Count("pk", filter=Q(revenue__gte=ABOVE_SIZE_REVENUE)))
    above = sizes["above"] if sizes["recorded"] else None
    denominator = report.above_size_enterprises if report is not None else None
    coverage = None
    if above is not None and denominator:
        coverage = (Decimal(above) * 100 / Decimal(denominator)).quantize(Decimal("0.1"))
    return {
        "industry": active.get(BranchKind.INDUSTRY, 0) + affiliated.get(ChamberKind.INDUSTRY, 0),
        "out_of_town": active.get(BranchKind.OUT_OF_TOWN, 0) + affiliated.get(ChamberKind.OUT_OF_TOWN, 0),
        "party_organisations": active.get(BranchKind.PARTY, 0),
        "trades": trades, "above_size_members": above, "coverage": coverage,
    }


def party_figures(*, chamber):
    """Item 4's party members among the chamber's people (officers, contacts, individual
    members): None when nobody's affiliation is recorded. One aggregate."""
    row = Person.objects.filter(chamber=chamber).aggregate(
        recorded=Count("pk", filter=~Q(political_affiliation="")),
        party=Count("pk", filter=Q(political_affiliation__in=PARTY_AFFILIATIONS)),
    )
    return row["party"] if row["recorded"] else None


def representative_figures(*, chamber, year):
    """Items 7 and 8: people holding a representative post in `year` (the post's years
    overlap it; open ends count), how many per body × level, and the honours of the year.

    "people" is None when the chamber has no representative post on file at all, and
    "honours_count" None when it has no honour on file at all (nothing recorded, not "none
    held"); with posts or honours of other years only, this year's figure is a real 0.
    Three queries: posts by body × level; one aggregate over the chamber's people (people
    posted in the year, people with any post, people with any honour); honours."""
    in_year = ((Q(started_year__isnull=True) | Q(started_year__lte=year))
               & (Q(ended_year__isnull=True) | Q(ended_year__gte=year)))
    all_posts = RepresentativePost.objects.filter(chamber=chamber)
    posts = all_posts.filter(in_year)
    seats = {(row["body"], row["level"]): row["n"] for row in
             posts.values("body", "level").annotate(n=Count("person_id", distinct=True)).order_by()}
    # Posts and honours belong to the chamber's people: counting people with an EXISTS each
    # gives the distinct holders and the two "anything on file" checks in one aggregate.
    row = Person.objects.filter(chamber=chamber).aggregate(
        people=Count("pk", filter=Exists(posts.filter(person_id=OuterRef("pk")))),
        posted=Count("pk", filter=Exists(all_posts.filter(person_id=OuterRef("pk")))),
        honoured=Count("pk", filter=Exists(Honour.objects.filter(chamber=chamber, person_id=OuterRef("pk")))),
    )
    by_seat = []
    for body, body_label in Body.choices:
        for level, level_label in Level.choices:
            if seats.get((body, level)):
                by_seat.append({"key": "{}_{}".format(body, level),
                                "label": _("{body} ({level})").format(body=body_label, level=level_label),
                                "value": seats[(body, level)]})
    levels = dict(Level.choices)
    honours = [{"title": "{} · {}".format(row["person__name"], row["name"]),
                "detail": str(levels.get(row["level"], ""))}
               for row in Honour.objects.filter(chamber=chamber, year=year)
               .values("person__name", "name", "level").order_by("person__name", "name", "pk")]
    return {"people": row["people"] if row["posted"] else None, "seats": by_seat, "honours": honours,
            "honours_count": len(honours) if row["honoured"] else None}


def officer_figures(*, chamber, as_of):
    """The `officers` section: the term in force on `as_of`, else the latest one begun by
    then (between two terms: the one that ended), and its line-up as it stood then — or at
    the term's end, if it ended earlier. A term that begins after `as_of` is never shown
    (members.selectors.term_current falls back to the latest term overall, which may be
    one elected later). Two queries: the term, the line-up (officer_lineup)."""
    in_force = Case(When(ends_on__gte=as_of, then=Value(0)), default=Value(1), output_field=IntegerField())
    term = (Term.objects.filter(chamber=chamber, starts_on__lte=as_of).annotate(in_force=in_force)
            .order_by("in_force", "-ordinal").first())
    if term is None:
        return {"term": None, "rows": []}
    term.chamber = chamber  # officer_lineup reads term.chamber: no need to load it again
    on = min(as_of, term.ends_on)
    rows = [{"post": str(p.get_post_display()), "name": p.person.name,
             "enterprise": p.enterprise.name if p.enterprise_id else "",
             "branch": p.branch.name if p.branch_id else ""}
            for p in officer_lineup(term=term) if p.starts_on <= on and (p.ends_on is None or p.ends_on >= on)]
    return {"term": {"name": str(term), "starts_on": term.starts_on, "ends_on": term.ends_on}, "rows": rows}
