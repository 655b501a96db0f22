"""Reads about chambers themselves, and the aggregate figures of the dashboard and the
federation view (counts only: never a roster)."""
import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django_scopes import scopes_disabled

from members.models import MembershipKind, MembershipStatus

from .access import MEMBERS_VIEW, OFFICERS_VIEW
from .db_router import reads_from_replica
from .models import Chamber, ChamberStatus, Role


def chamber_list_for_user(user):
    """The chambers `user` holds any role in: the start page and the chamber switcher."""
    # Spans chambers on purpose, and only those where the user has a role.
    with scopes_disabled():
        chamber_ids = list(Role.objects.filter(user=user).values_list("chamber_id", flat=True).distinct())
    return Chamber.objects.filter(pk__in=chamber_ids).exclude(status=ChamberStatus.DISSOLVED).order_by("name")


def chamber_list_for_request(request):
    """`chamber_list_for_user` once per request: the start page and the header's chamber
    switcher both show it."""
    if not hasattr(request, "_my_chambers"):
        request._my_chambers = list(chamber_list_for_user(request.user))
    return request._my_chambers


# --- Aggregate figures: the dashboard and the federation view ---------------------------
#
# Counts only. Each read is one GROUP BY (or one conditional aggregate) so a page costs a
# fixed number of queries whatever the size of the roster. "This year" is the calendar
# year in Asia/Shanghai (settings.TIME_ZONE, through timezone.localdate()).

# How far ahead "ending soon" looks, for terms and officer posts.
SOON_DAYS = 180


@dataclass
class MemberFigures:
    """Member counts: by status (all members), by kind and rank (active members), new and left in a year."""

    by_status: dict = field(default_factory=dict)
    by_kind: dict = field(default_factory=dict)
    # rank key (a pk on the dashboard, a name across chambers) -> active members
    by_rank: dict = field(default_factory=dict)
    # rank key -> (order, name), so ranks sort as the charter lists them
    ranks: dict = field(default_factory=dict)
    joined: int = 0
    left: int = 0

    def add(self, row, rank_key, rank_order, rank_name):
        """Fold one GROUP BY row (status, kind, rank, n, joined, left) into the totals."""
        self.by_status[row["status"]] = self.by_status.get(row["status"], 0) + row["n"]
        if row["status"] == MembershipStatus.ACTIVE:
            self.by_kind[row["kind"]] = self.by_kind.get(row["kind"], 0) + row["n"]
            self.by_rank[rank_key] = self.by_rank.get(rank_key, 0) + row["n"]
        self.ranks.setdefault(rank_key, (rank_order, rank_name))
        self.joined += row["joined"]
        self.left += row["left"]

    def merge(self, other):
        for mine, theirs in ((self.by_status, other.by_status), (self.by_kind, other.by_kind),
                             (self.by_rank, other.by_rank)):
            for key, n in theirs.items():
                mine[key] = mine.get(key, 0) + n
        for key, value in other.ranks.items():
            self.ranks.setdefault(key, value)
        self.joined += other.joined
        self.left += other.left

    @property
    def active(self):
        return self.by_status.get(MembershipStatus.ACTIVE, 0)

    @property
    def current(self):
        """Everyone on the roster who has not left (applicants, active, suspended, lapsed)."""
        return sum(n for status, n in self.by_status.items() if status != MembershipStatus.LEFT)

    def status_rows(self):
        """[(status, label, n)] in the order of the status choices, zeros included."""
        return [(s.value, s.label, self.by_status.get(s.value, 0)) for s in MembershipStatus]

    def kind_rows(self):
        return [(k.value, k.label, self.by_kind.get(k.value, 0)) for k in MembershipKind]

    def rank_rows(self):
        """[(rank key, name, active members)], highest rank first, zeros included."""
        keys = sorted(self.ranks, key=lambda k: (self.ranks[k][0], self.ranks[k][1]))
        return [(key, self.ranks[key][1], self.by_rank.get(key, 0)) for key in keys]


def _year_bounds(today):
    return datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)


def _membership_counts(qs, start, end, *group):
    """One GROUP BY over (group…, status, kind): members, and of them joined / left between start and end."""
    return qs.values(*group, "status", "kind").annotate(
        n=Count("pk"),
        joined=Count("pk", filter=Q(joined_on__gte=start, joined_on__lte=end)),
        left=Count("pk", filter=Q(left_on__gte=start, left_on__lte=end)),
    ).order_by()


def dashboard_member_figures(*, chamber, access, today=None):
    """The dashboard's member counts within the reader's branch reach: two queries (ranks, counts)."""
    from members.selectors import membership_visible, rank_list

    start, end = _year_bounds(today or timezone.localdate())
    figures = MemberFigures()
    for rank in rank_list(chamber=chamber):
        figures.ranks[rank.pk] = (rank.order, rank.name)
    rows = _membership_counts(membership_visible(chamber=chamber, access=access), start, end, "rank_id")
    for row in rows:
        rank_order, rank_name = figures.ranks.get(row["rank_id"], (0, ""))
        figures.add(row, row["rank_id"], rank_order, rank_name)
    return figures


def _month_starts(today, months=12):
    """The first days of the last `months` months, oldest first, this month last."""
    index = today.year * 12 + today.month - 1
    return [datetime.date(i // 12, i % 12 + 1, 1) for i in range(index - months + 1, index + 1)]


def dashboard_monthly_joins_and_leaves(*, chamber, access, today=None):
    """[(month, joined, left)] for the last twelve months, in one query.

    Grouping by both months at once (joined month, left month) yields at most 13 × 13 rows,
    which are split into the two series here, instead of one query per series.
    """
    from members.selectors import membership_visible

    months = _month_starts(today or timezone.localdate())
    start = months[0]
    rows = (
        membership_visible(chamber=chamber, access=access)
        .filter(Q(joined_on__gte=start) | Q(left_on__gte=start))
        .annotate(joined_month=TruncMonth("joined_on"), left_month=TruncMonth("left_on"))
        .values("joined_month", "left_month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    joined, left = {}, {}
    for row in rows:
        for key, counts in (("joined_month", joined), ("left_month", left)):
            month = row[key]
            if month is not None:
                month = month.date() if isinstance(month, datetime.datetime) else month
                counts[month] = counts.get(month, 0) + row["n"]
    return [(m, joined.get(m, 0), left.get(m, 0)) for m in months]


def dashboard_branch_figures(*, chamber, access):
    """[(branch, active members in its subtree)] for the top nodes of the reader's visible tree.

    Readers with the whole chamber see its top-level branches; a branch secretary sees the
    nodes they were granted. Two queries: the visible nodes, then one conditional
    COUNT(DISTINCT member) per top node in a single aggregate, so a member in several
    nodes of a subtree counts once.
    """
    from branches.selectors import branch_visible_list
    from members.models import MembershipBranch

    visible = list(branch_visible_list(chamber=chamber, access=access, capability=MEMBERS_VIEW))
    ids = {b.pk for b in visible}
    top = [b for b in visible if b.parent_id not in ids]
    if not top:
        return []
    counts = MembershipBranch.objects.filter(chamber=chamber, membership__status=MembershipStatus.ACTIVE).aggregate(**{
        f"b{b.pk}": Count("membership_id", distinct=True, filter=Q(branch__path__startswith=b.path)) for b in top
    })
    return [(b, counts[f"b{b.pk}"]) for b in top]


def dashboard_terms_ending(*, chamber, today=None):
    """Terms of office that end within SOON_DAYS (the next general assembly is due)."""
    from members.models import Term

    today = today or timezone.localdate()
    return list(Term.objects.filter(chamber=chamber, ends_on__gte=today,
                                    ends_on__lte=today + datetime.timedelta(days=SOON_DAYS)).order_by("ends_on", "pk"))


def dashboard_officers_ending(*, chamber, access, today=None, limit=20):
    """Officer posts ending within SOON_DAYS (a post without its own end ends with its term).

    Returns (positions, more): at most `limit` rows, and whether there are more; one query.
    A branch-limited reader sees only the posts held in their subtrees.
    """
    from branches.selectors import branch_subtree_q
    from members.models import OfficerPosition

    today = today or timezone.localdate()
    qs = (
        OfficerPosition.objects.filter(chamber=chamber)
        .annotate(post_ends_on=Coalesce("ends_on", "term__ends_on"))
        .filter(post_ends_on__gte=today, post_ends_on__lte=today + datetime.timedelta(days=SOON_DAYS))
        .select_related("person", "enterprise", "term", "branch")
        .order_by("post_ends_on", "pk")
    )
    paths = access.branch_paths(OFFICERS_VIEW)
    if paths is not None:
        qs = qs.filter(branch_subtree_q(paths, "branch__path"))
    rows = list(qs[: limit + 1])
    return rows[:limit], len(rows) > limit


def dashboard_pending_self_service_count(*, chamber, access):
    """Self-service changes waiting for approval within the reader's reach (one query), or
    None where the approval queue is not installed."""
    from members import selectors as member_selectors

    # The self-service module (members.selectors.self_service_change_list) may not be
    # installed yet; the dashboard then leaves the figure out instead of failing.
    change_list = getattr(member_selectors, "self_service_change_list", None)
    if change_list is None:
        return None
    return change_list(chamber=chamber, status="pending", access=access).count()


@dataclass
class Affiliate:
    """A chamber under a federation, with its figures; `via` is the lower federation for level 2."""

    chamber: Chamber
    level: int
    via: Chamber | None
    figures: MemberFigures


def federation_affiliate_chambers(*, federation):
    """The chambers a federation supervises, directly or through a lower federation, by name
    (a queryset; dissolved chambers and those under a dissolved federation left out)."""
    direct = Q(supervising_federation=federation)
    # One level further: the chambers of a district federation are seen by its city federation.
    through = Q(supervising_federation__supervising_federation=federation) & ~Q(
        supervising_federation__status=ChamberStatus.DISSOLVED
    )
    return (
        Chamber.objects.filter(direct | through)
        .exclude(pk=federation.pk)
        .exclude(status=ChamberStatus.DISSOLVED)
        .select_related("supervising_federation")
        .order_by("name", "pk")
    )


@reads_from_replica
def federation_affiliate_figures(*, federation, affiliate_slug=None, today=None):
    """The chambers a federation supervises, directly or through a lower federation, with
    aggregate member figures only: three queries whatever the number of chambers (the
    chambers, their counts from a covering index, their ranks' names).

    `affiliate_slug` narrows the answer to one of them; a chamber that is not affiliated
    gives an empty list (the view answers 404).
    """
    from members.models import Membership, Rank

    chambers = federation_affiliate_chambers(federation=federation)
    if affiliate_slug is not None:
        chambers = chambers.filter(slug=affiliate_slug)
    chambers = list(chambers)
    if not chambers:
        return []
    start, end = _year_bounds(today or timezone.localdate())
    # This crosses tenants on purpose: a federation sees the aggregate figures of the
    # chambers it supervises (DESIGN.md, tenancy). The scope is lifted for this one
    # GROUP BY only, it is filtered strictly by the affiliated chambers' ids worked out
    # above, and it returns counts per (chamber, status, kind, rank): no member row, name
    # or personal datum ever leaves this function.
    ids = [c.pk for c in chambers]
    with scopes_disabled():
        # COUNT(*) by rank id, not joined to the ranks: the covering index
        # membership_counts_covering answers it alone (an index-only scan, no table read).
        rows = list(Membership.objects.filter(chamber_id__in=ids).values("chamber_id", "rank_id", "status", "kind")
                    .annotate(n=Count("*"),
                              # Counting the dates themselves (never null where the filter holds)
                              # keeps to the index's columns.
                              joined=Count("joined_on", filter=Q(joined_on__gte=start, joined_on__lte=end)),
                              left=Count("left_on", filter=Q(left_on__gte=start, left_on__lte=end))).order_by())
        ranks = {pk: (name, order) for pk, name, order in
                 Rank.objects.filter(chamber_id__in=ids).values_list("pk", "name", "order")}
    figures = {c.pk: MemberFigures() for c in chambers}
    for row in rows:
        # Each chamber keeps its own rank list; across chambers ranks meet by name.
        name, order = ranks.get(row["rank_id"], ("", 0))
        figures[row["chamber_id"]].add(row, name, order, name)
    return [
        Affiliate(chamber=c, level=1 if c.supervising_federation_id == federation.pk else 2,
                  via=None if c.supervising_federation_id == federation.pk else c.supervising_federation,
                  figures=figures[c.pk])
        for c in chambers
    ]


def federation_totals(affiliates):
    """The figures of all `affiliates` added up (no query)."""
    total = MemberFigures()
    for affiliate in affiliates:
        total.merge(affiliate.figures)
    return total
