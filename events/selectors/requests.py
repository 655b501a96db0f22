"""Reads of visits and member requests: the board, lists with filters, one request with its
notes, the year's figures (problems solved, typical cases), the member page's section and the
representative's portal.

A branch secretary reads the requests and visits of members placed within their branches
(REQUESTS_VIEW's reach). Every list loads what its rows show up front (member name is a column
of Membership, assignee and officer are joined), so a page costs the same queries at any size.
"""
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Exists, IntegerField, OuterRef, Prefetch, Q, Value, When, Case
from django.utils import timezone

from branches.selectors import branch_subtree_q
from chamber.access import REQUESTS_MANAGE, REQUESTS_VIEW, ROLE_CAPABILITIES
from chamber.models import Role
from members.models import MembershipBranch, OfficerPosition

from ..models import MemberRequest, RequestCategory, RequestNote, RequestStatus, Visit
from .events import query_int

OPEN = (RequestStatus.NEW, RequestStatus.IN_PROGRESS)
CLOSED = (RequestStatus.RESOLVED, RequestStatus.UNRESOLVABLE)
BOARD_PAGE_SIZE = 50
# The board's tabs: "open" (the default) and each status, and everything.
BOARD_TABS = ("open", *RequestStatus.values, "all")
ROW_RELATED = ("membership", "assignee", "assignee_officer__person")


def _reach_q(access, capability, field="membership_id"):
    """Rows whose member is placed within the reader's branches; None when chamber-wide."""
    if access is None:
        return None
    paths = access.branch_paths(capability)
    if paths is None:
        return None
    return Q(Exists(MembershipBranch.objects.filter(membership=OuterRef(field)).filter(
        branch_subtree_q(paths, "branch__path"))))


def request_visible(*, chamber, access=None, capability=REQUESTS_VIEW):
    """The chamber's requests the reader may see."""
    qs = MemberRequest.objects.filter(chamber=chamber)
    reach = _reach_q(access, capability)
    return qs.filter(reach) if reach is not None else qs


def _overdue_q(today):
    return Q(status__in=OPEN, due_on__lt=today)


def request_list(*, chamber, access=None, capability=REQUESTS_VIEW, status=None, category=None, assignee=None,
                 overdue=None, typical=None, year=None, search=None, membership=None):
    """Requests with filters, newest first (pk as tie-breaker); member and assignees joined.

    `status` may be a status, "open" or "closed"; `assignee` a user id; `search` matches the
    title or the member's name; `year` the year raised.
    """
    qs = request_visible(chamber=chamber, access=access, capability=capability).select_related(*ROW_RELATED)
    if status == "open":
        qs = qs.filter(status__in=OPEN)
    elif status == "closed":
        qs = qs.filter(status__in=CLOSED)
    elif status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if assignee:
        qs = qs.filter(assignee_id=assignee)
    if overdue:
        qs = qs.filter(_overdue_q(timezone.localdate()))
    if typical:
        qs = qs.filter(is_typical=True)
    if year:
        qs = qs.filter(created_at__year=year)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(membership__name__icontains=search))
    if membership is not None:
        qs = qs.filter(membership=membership)
    return qs.defer("description", "typical_summary").order_by("-created_at", "-pk")


def _mark(rows, today):
    """Attach `overdue` and `days_overdue` to each row (no query)."""
    for row in rows:
        row.days_overdue = (today - row.due_on).days if row.is_overdue(today) else 0
        row.overdue = row.days_overdue > 0
    return rows


def request_board_filters(get):
    """The board's tab and filters from its query string (the page and its export read them alike)."""
    category = get.get("category")
    return {"tab": get.get("tab") or "open",
            "category": category if category in RequestCategory.values else None,
            "assignee": query_int(get.get("assignee")), "overdue": get.get("overdue") == "1",
            "search": str(get.get("q") or "").strip()[:100] or None}


def request_board_rows(*, chamber, access, tab="open", category=None, assignee=None, overdue=None, search=None,
                       today=None):
    """A tab's requests in the board's order: overdue first, then by status and soonest due."""
    today = today or timezone.localdate()
    tab = tab if tab in BOARD_TABS else "open"
    rows = request_list(chamber=chamber, access=access, status=None if tab == "all" else tab, category=category,
                        assignee=assignee, overdue=overdue, search=search)
    status_rank = Case(*(When(status=s, then=Value(i)) for i, s in enumerate(RequestStatus.values)),
                       output_field=IntegerField())
    late = Case(When(_overdue_q(today), then=Value(0)), default=Value(1), output_field=IntegerField())
    # A request's member is always the chamber's; saying so lets PostgreSQL read the joined
    # members through the (chamber, …) index instead of hashing the whole membership table
    # of every chamber when a tab holds most of the chamber's requests (tests/scale/test_explain.py).
    return rows.filter(membership__chamber=chamber).order_by(late, status_rank, "due_on", "pk")


def request_board(*, chamber, access, tab="open", category=None, assignee=None, overdue=None, search=None,
                  page=None):
    """The board: counts per status (1 query), then one page of a tab's requests — overdue first,
    then by status and soonest due — (count 1 + rows 1): three queries whatever the page size."""
    today = timezone.localdate()
    base = request_visible(chamber=chamber, access=access)
    counts = base.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in RequestStatus.values},
        overdue=Count("pk", filter=_overdue_q(today)),
    )
    counts["open"] = counts[RequestStatus.NEW] + counts[RequestStatus.IN_PROGRESS]
    counts["all"] = counts["open"] + counts[RequestStatus.RESOLVED] + counts[RequestStatus.UNRESOLVABLE]
    tab = tab if tab in BOARD_TABS else "open"
    rows = request_board_rows(chamber=chamber, access=access, tab=tab, category=category, assignee=assignee,
                              overdue=overdue, search=search, today=today)
    page_obj = Paginator(rows, BOARD_PAGE_SIZE).get_page(page)
    _mark(page_obj.object_list, today)
    return {"page_obj": page_obj, "requests": page_obj.object_list, "counts": counts, "tab": tab, "today": today}


def request_detail(*, chamber, access, pk, capability=REQUESTS_VIEW):
    """One request with member, assignees, visit and its notes (`note_list`): two queries.

    Raises MemberRequest.DoesNotExist when it is not the chamber's or outside the reader's reach.
    """
    request = (request_visible(chamber=chamber, access=access, capability=capability)
               .select_related(*ROW_RELATED, "visit", "raised_by", "membership__enterprise")
               .prefetch_related(Prefetch("notes", to_attr="note_list", queryset=RequestNote.objects.filter(
                   chamber=chamber).select_related("author").order_by("created_at", "pk")))
               .get(pk=pk))
    _mark([request], timezone.localdate())
    return request


def request_year_figures(*, chamber, year, access=None):
    """The federation's two figures for `year`: problems solved (and the rest of the count) and
    the typical cases. Two queries: one conditional aggregate, one list of typical cases.

    raised: requests raised in the year; resolved / unresolvable: closed so in the year;
    open: raised in the year and still open; overdue: open now and past due (any year);
    average rating: of those closed in the year; by_category: raised and resolved per category.
    """
    today = timezone.localdate()
    in_year = Q(created_at__year=year)
    closed_in_year = Q(closed_on__year=year)
    figures = {
        "raised": Count("pk", filter=in_year),
        "resolved": Count("pk", filter=closed_in_year & Q(status=RequestStatus.RESOLVED)),
        "unresolvable": Count("pk", filter=closed_in_year & Q(status=RequestStatus.UNRESOLVABLE)),
        "open": Count("pk", filter=in_year & Q(status__in=OPEN)),
        "overdue": Count("pk", filter=_overdue_q(today)),
        "rated": Count("pk", filter=closed_in_year & Q(rating__isnull=False)),
        "average_rating": Avg("rating", filter=closed_in_year),
    }
    for category in RequestCategory.values:
        figures["raised_" + category] = Count("pk", filter=in_year & Q(category=category))
        figures["resolved_" + category] = Count("pk", filter=closed_in_year & Q(
            status=RequestStatus.RESOLVED, category=category))
    row = request_visible(chamber=chamber, access=access).aggregate(**figures)
    by_category = [{"category": value, "label": label, "raised": row.pop("raised_" + value),
                    "resolved": row.pop("resolved_" + value)} for value, label in RequestCategory.choices]
    if row["average_rating"] is not None:
        row["average_rating"] = round(float(row["average_rating"]), 1)
    typical = list(request_visible(chamber=chamber, access=access).filter(closed_on__year=year, is_typical=True)
                   .select_related("membership").order_by("closed_on", "pk"))
    return {"year": year, **row, "by_category": [c for c in by_category if c["raised"] or c["resolved"]],
            "typical_cases": typical}


def request_years(*, chamber):
    """Years that have requests, latest first, always including this year (one query)."""
    years = {d.year for d in MemberRequest.objects.filter(chamber=chamber).dates("created_at", "year")}
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def request_assignee_users(*, chamber):
    """Users who may be assigned requests here: holders of a role with REQUESTS_MANAGE."""
    from django.contrib.auth import get_user_model

    kinds = [kind for kind, caps in ROLE_CAPABILITIES.items() if REQUESTS_MANAGE in caps]
    users = Role.objects.filter(chamber=chamber, kind__in=kinds).values("user_id")
    return get_user_model().objects.filter(pk__in=users, is_active=True).order_by("username", "pk")


def request_assignee_officers(*, chamber):
    """Officer positions serving today (the ones a request may be handed to), with their person."""
    today = timezone.localdate()
    return (OfficerPosition.objects.filter(chamber=chamber, starts_on__lte=today)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
            .select_related("person").order_by("post", "pk"))


def member_requests_summary(*, membership):
    """The member page's requests section: counts and the latest ten (two queries)."""
    qs = MemberRequest.objects.filter(chamber_id=membership.chamber_id, membership=membership)
    today = timezone.localdate()
    counts = qs.aggregate(total=Count("pk"), open=Count("pk", filter=Q(status__in=OPEN)),
                          resolved=Count("pk", filter=Q(status=RequestStatus.RESOLVED)),
                          overdue=Count("pk", filter=_overdue_q(today)))
    latest = _mark(list(qs.select_related("assignee", "assignee_officer__person").defer("description")
                        .order_by("-created_at", "-pk")[:10]), today)
    return {**counts, "requests": latest}


def portal_requests(*, membership, user):
    """The representative's portal: the requests their enterprise raised or had recorded (one query)."""
    if membership is None or membership.enterprise_id is None:
        return {"requests": []}
    today = timezone.localdate()
    rows = list(MemberRequest.objects.filter(chamber_id=membership.chamber_id,
                                             membership__enterprise_id=membership.enterprise_id)
                .defer("description", "typical_summary").order_by("-created_at", "-pk")[:50])
    return {"requests": _mark(rows, today)}


def portal_request_detail(*, enterprise, pk):
    """One of the enterprise's requests with its notes (two queries); DoesNotExist for any other."""
    request = (MemberRequest.objects.filter(chamber_id=enterprise.chamber_id, membership__enterprise=enterprise)
               .select_related("membership", "assignee", "assignee_officer__person")
               .prefetch_related(Prefetch("notes", to_attr="note_list", queryset=RequestNote.objects.filter(
                   chamber_id=enterprise.chamber_id).order_by("created_at", "pk")))
               .get(pk=pk))
    return _mark([request], timezone.localdate())[0]


# --- Visits ------------------------------------------------------------------------------------

def visit_list(*, chamber, access=None, capability=REQUESTS_VIEW, year=None, search=None, membership=None):
    """Visits, latest first, with member, officer and the number of requests raised (one query a page)."""
    qs = Visit.objects.filter(chamber=chamber)
    reach = _reach_q(access, capability)
    if reach is not None:
        qs = qs.filter(reach)
    if year:
        qs = qs.filter(visited_on__year=year)
    if search:
        qs = qs.filter(Q(membership__name__icontains=search) | Q(visitors__icontains=search))
    if membership is not None:
        qs = qs.filter(membership=membership)
    return (qs.select_related("membership", "officer__person", "created_by")
            .annotate(request_count=Count("requests")).order_by("-visited_on", "-pk"))


def visit_detail(*, chamber, access, pk):
    """One visit with its requests (`request_list`): two queries; DoesNotExist outside the reach."""
    visit = visit_list(chamber=chamber, access=access).get(pk=pk)
    visit.request_list = _mark(list(MemberRequest.objects.filter(chamber=chamber, visit=visit)
                                    .select_related(*ROW_RELATED).order_by("pk")), timezone.localdate())
    return visit


def visits_in_year(*, chamber, year, access=None):
    """How many visits were paid in `year` (one query) — the count next to problems solved."""
    qs = Visit.objects.filter(chamber=chamber, visited_on__year=year)
    reach = _reach_q(access, REQUESTS_VIEW)
    return (qs.filter(reach) if reach is not None else qs).count()


__all__ = [
    "BOARD_TABS", "member_requests_summary", "portal_request_detail", "portal_requests", "request_assignee_officers",
    "request_assignee_users", "request_board", "request_board_filters", "request_board_rows", "request_detail", "request_list", "request_visible",
    "request_year_figures", "request_years", "visit_detail", "visit_list", "visits_in_year",
]
