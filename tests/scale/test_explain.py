"""The main queries use an index, not a sequential scan, at scale (issue 11, item 3).

PostgreSQL only. A data set of a realistic shape is built once for the module with the
benchmark's bulk builder (chamber.bench): one big chamber among many ordinary ones, so that
the big chamber is a fraction of each table, as one chamber of 2,000 is in a province (a
chamber holding most of a table is read best by a sequential scan, and that would prove
nothing). Requests and dues invoices are added with bulk inserts in every chamber, as
events/management/commands/bench_events.py and chamber/management/commands/bench_money.py do.

Each query is produced by the app's own selectors, run under CaptureQueriesContext, and every
SQL statement they send (with its parameters bound by the driver) is explained with
EXPLAIN (FORMAT JSON). No plan may read one of the big tables with a Seq Scan.

The data is committed (VACUUM, which sets the visibility map the planner counts on, cannot
run inside a transaction) and dropped at the end of the module with
chamber.bench.drop_bench_data, which also removes what an interrupted run left behind.
"""
import datetime
import json
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (EXPLAIN plans)")

BIG_MEMBERS = 30_000
SMALL_CHAMBERS = 30
SMALL_MEMBERS = 2_000
REQUESTS_BIG, REQUESTS_SMALL = 4_000, 400
DUES_YEAR = 2026

# Table name -> label of the big tables: none of them may be read by a Seq Scan.
BIG_TABLES = {
    "members_membership", "members_enterprise", "members_person", "members_contact",
    "members_membershipbranch", "events_memberrequest", "members_duesinvoice",
}


# --- The data set ----------------------------------------------------------------------------

def _bulk_requests(chamber, user, count):
    """MemberRequest rows as bench_events builds them: statuses, categories and due dates mixed."""
    from events.models import MemberRequest
    from members.models import Membership

    members = list(Membership.objects.filter(chamber=chamber).order_by("pk").values_list("pk", flat=True))
    today = timezone.localdate()
    statuses = ("new", "in_progress", "resolved", "unresolvable", "in_progress", "resolved")
    categories = ("financing", "legal", "land", "labour", "policy", "tax", "permits", "market", "technology", "other")
    rows = []
    for n in range(count):
        status = statuses[n % len(statuses)]
        created = timezone.now() - datetime.timedelta(days=n % 700, hours=n % 24)
        rows.append(MemberRequest(
            chamber=chamber, membership_id=members[(n * 104729) % len(members)], source=("portal", "visit", "staff")[n % 3],
            category=categories[n % len(categories)], title=f"诉求{n + 1:05d}", description="企业反映的问题与诉求。",
            assignee=user if n % 2 else None, due_on=today + datetime.timedelta(days=(n % 90) - 30), status=status,
            closed_on=(created + datetime.timedelta(days=20)).date() if status in ("resolved", "unresolvable") else None,
            created_at=created,
        ))
    MemberRequest.objects.bulk_create(rows, batch_size=5000)


def _bulk_dues(chamber):
    """One year's invoices for the chamber's current members, as bench_money builds them."""
    from chamber.numbering import number_format
    from members.models import DuesInvoice, FeeSchedule, Membership

    schedule = FeeSchedule.objects.create(chamber=chamber, year=DUES_YEAR, due_on=datetime.date(DUES_YEAR, 3, 31),
                                          grace_days=90)
    members = Membership.objects.filter(chamber=chamber, status__in=("active", "suspended", "lapsed")).order_by("pk")
    invoices = []
    for i, (member_id, rank_name) in enumerate(members.values_list("pk", "rank__name")):
        amount = Decimal("2000")
        roll = (i * 37) % 100
        paid = amount if roll < 55 else (amount / 2 if roll < 75 else Decimal(0))
        invoices.append(DuesInvoice(
            chamber=chamber, membership_id=member_id, schedule=schedule, year=DUES_YEAR,
            number=number_format("dues_invoice", DUES_YEAR, i + 1), rank_name=rank_name,
            issued_on=datetime.date(DUES_YEAR, 1, 10), due_on=schedule.due_on, amount=amount, settled_amount=paid,
        ))
    DuesInvoice.objects.bulk_create(invoices, batch_size=5000)


def _drop(bench):
    """Drop the bench chambers (federations and all: chamber.bench.delete_chambers unlinks
    them) and this module's users."""
    from django.contrib.auth import get_user_model

    with scopes_disabled():
        bench.drop_bench_data(log=lambda *_: None)
        get_user_model().objects.filter(username__startswith="bench-guard").delete()


@pytest.fixture(scope="module")
def scale(django_db_setup, django_db_blocker):
    """{big, small, federation, admin, branch_secretary, branch, seconds} on committed data."""
    from chamber import bench
    from chamber.models import Chamber, ChamberKind, RoleKind
    from chamber.services import chamber_create, role_grant
    from django.contrib.auth import get_user_model
    from branches.models import Branch

    with django_db_blocker.unblock():
        _drop(bench)  # what an interrupted run left behind
        started = time.perf_counter()
        plans = bench.plan(chambers=SMALL_CHAMBERS + 1, big=BIG_MEMBERS, total=BIG_MEMBERS + SMALL_CHAMBERS * SMALL_MEMBERS)
        with scopes_disabled():
            bench.build(plans, log=lambda *_: None)
            admin = get_user_model().objects.create(username="bench-guard-admin")
            secretary = get_user_model().objects.create(username="bench-guard-branch")
            chambers = {c.slug: c for c in bench.bench_chambers()}
            big = chambers[bench.BIG_SLUG]
            for c in chambers.values():
                with scope(chamber=c):
                    _bulk_requests(c, admin, REQUESTS_BIG if c == big else REQUESTS_SMALL)
                    _bulk_dues(c)
            # A city federation supervising five chambers directly and two through a district
            # federation: the share of the province one federation's page reads.
            federation = chamber_create(actor=None, name="基准测试市工商联", slug="bench-fed", kind=ChamberKind.FEDERATION)
            district = chamber_create(actor=None, name="基准测试区工商联", slug="bench-fed-district", kind=ChamberKind.FEDERATION)
            Chamber.objects.filter(pk=district.pk).update(supervising_federation=federation)
            smalls = sorted((c for c in chambers.values() if c != big), key=lambda c: c.slug)
            Chamber.objects.filter(pk__in=[c.pk for c in smalls[:5]]).update(supervising_federation=federation)
            Chamber.objects.filter(pk__in=[c.pk for c in smalls[5:7]]).update(supervising_federation=district)
            branch = Branch.objects.filter(chamber=big, depth=1).order_by("path").first()
            with scope(chamber=big):
                role_grant(chamber=big, user=admin, kind=RoleKind.CHAMBER_ADMIN, actor=None)
                role_grant(chamber=big, user=secretary, kind=RoleKind.BRANCH_SECRETARY, actor=None, branch=branch)
        seconds = time.perf_counter() - started
        with connection.cursor() as cursor:
            for table in sorted(BIG_TABLES | {"chamber_chamber", "branches_branch", "members_rank"}):
                cursor.execute(f'VACUUM (ANALYZE) "{table}"')
        print(f"\nBuilt {BIG_MEMBERS} + {SMALL_CHAMBERS} × {SMALL_MEMBERS} members, requests and dues in {seconds:.1f} s")
        try:
            yield {"big": big, "small": smalls[0], "federation": federation, "admin": admin,
                   "branch_secretary": secretary, "branch": branch}
        finally:
            _drop(bench)


# --- Plans -----------------------------------------------------------------------------------

def plan_nodes(node):
    yield node
    for child in node.get("Plans", ()):
        yield from plan_nodes(child)


def explain(sql):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        raw = cursor.fetchone()[0]
    return (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]


def captured(fn):
    """Run `fn` and return (its result, the SQL statements it sent, parameters bound)."""
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    statements = [q["sql"] for q in ctx.captured_queries
                  if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
    return result, statements


def assert_no_seq_scan_on_big_tables(name, statements):
    assert statements, f"{name}: no query was captured"
    offenders = []
    for sql in statements:
        plan = explain(sql)
        scans = [(n["Node Type"], n.get("Relation Name"), n.get("Index Name")) for n in plan_nodes(plan)
                 if n.get("Relation Name")]
        print(f"\n{name}: {plan['Node Type']} (cost {plan['Total Cost']:.0f}, rows {plan['Plan Rows']}); "
              + ", ".join(f"{t} {r}" + (f" using {i}" if i else "") for t, r, i in scans))
        offenders += [(t, r, sql[:300]) for t, r, _ in scans if t == "Seq Scan" and r in BIG_TABLES]
    assert offenders == []


def in_scope(chamber, fn):
    def run():
        with scope(chamber=chamber):
            return fn()
    return run


def access(chamber, user):
    from chamber.access import access_for_user

    with scope(chamber=chamber):
        return access_for_user(chamber, user)


# --- The queries -----------------------------------------------------------------------------

def roster_page(chamber, reader_access, page=50, page_size=100, search=None):
    """The roster API's list (members.api.views.MembershipViewSet.list): count, the page's ids,
    then membership_roster_rows; the web list reads the same selectors."""
    from members.selectors import membership_roster_rows, membership_search_q, membership_visible

    def run():
        qs = membership_visible(chamber=chamber, access=reader_access).order_by("pk")
        if search:
            qs = qs.filter(membership_search_q(search, chamber=chamber))
        total = qs.count()
        offset = min(page * page_size, max(total - page_size, 0))
        ids = list(qs.values_list("pk", flat=True)[offset:offset + page_size])
        return membership_roster_rows(chamber=chamber, ids=ids) if ids else []
    return in_scope(chamber, run)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["admin", "branch_secretary"])
@pytest.mark.parametrize("which", ["big", "small"])
def test_roster_page(scale, which, who):
    chamber = scale[which]
    rows, statements = captured(roster_page(chamber, access(scale["big"], scale[who]) if which == "big" else None))
    assert len(rows) == 100
    assert_no_seq_scan_on_big_tables(f"roster page ({which}, {who})", statements)


def _search_terms(chamber):
    from members.models import Contact, Enterprise

    with scope(chamber=chamber):
        enterprise = Enterprise.objects.filter(chamber=chamber).order_by("pk")[137]
        contact = Contact.objects.filter(chamber=chamber, enterprise=enterprise).select_related("person").get()
    return {
        "name substring": enterprise.name[2:6],
        "short name (2 characters)": enterprise.name[2:4],
        "USCC fragment": enterprise.uscc[-8:],
        "mobile fragment": contact.person.mobile[-6:],
        "pinyin initials": enterprise.name_initials[:4],
        "contact name": contact.person.name,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["name substring", "short name (2 characters)", "USCC fragment", "mobile fragment",
                                  "pinyin initials", "contact name"])
def test_member_search(scale, kind):
    chamber = scale["big"]
    term = _search_terms(chamber)[kind]
    rows, statements = captured(roster_page(chamber, None, page=0, page_size=20, search=term))
    assert rows, f"{kind} {term!r} found nobody"
    assert_no_seq_scan_on_big_tables(f"search by {kind} {term!r}", statements)


@pytest.mark.django_db
def test_member_detail(scale):
    from members.models import Membership
    from members.selectors import member_page, membership_detail

    chamber = scale["big"]
    with scope(chamber=chamber):
        pk = Membership.objects.filter(chamber=chamber).order_by("pk").values_list("pk", flat=True)[12345]
    reader = access(chamber, scale["admin"])
    member, statements = captured(in_scope(chamber, lambda: membership_detail(chamber=chamber, access=reader, pk=pk)))
    assert member.pk == pk
    _, page_statements = captured(in_scope(chamber, lambda: member_page(membership=member)))
    assert_no_seq_scan_on_big_tables("member detail", statements + page_statements)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["admin", "branch_secretary"])
def test_dashboard_counts(scale, who):
    from chamber import selectors

    chamber = scale["big"]
    reader = access(chamber, scale[who])

    def run():
        figures = selectors.dashboard_member_figures(chamber=chamber, access=reader)
        selectors.dashboard_monthly_joins_and_leaves(chamber=chamber, access=reader)
        selectors.dashboard_branch_figures(chamber=chamber, access=reader)
        selectors.dashboard_officers_ending(chamber=chamber, access=reader)
        selectors.dashboard_pending_self_service_count(chamber=chamber, access=reader)
        return figures

    figures, statements = captured(in_scope(chamber, run))
    assert figures.current > 0
    assert_no_seq_scan_on_big_tables(f"dashboard ({who})", statements)


@pytest.mark.django_db
def test_federation_affiliate_figures(scale):
    from chamber.selectors import federation_affiliate_figures

    federation = scale["federation"]
    affiliates, statements = captured(in_scope(federation, lambda: federation_affiliate_figures(federation=federation)))
    chambers = [a for a in affiliates if a.chamber.kind != "federation"]  # the district federation has no members
    assert len(chambers) == 7 and all(a.figures.current > 0 for a in chambers)
    assert {a.level for a in chambers} == {1, 2}
    assert_no_seq_scan_on_big_tables("federation affiliate figures", statements)


@pytest.mark.django_db
@pytest.mark.parametrize("tab", ["open", "all"])
@pytest.mark.parametrize("who", ["admin", "branch_secretary"])
def test_requests_board(scale, tab, who):
    # The "all" tab once joined every chamber's members by a sequential scan (fixed in
    # events.selectors.requests.request_board_rows).
    from events.selectors.requests import request_board

    chamber = scale["big"]
    reader = access(chamber, scale[who])

    def run():
        board = request_board(chamber=chamber, access=reader, tab=tab, page=3)
        return list(board["requests"])

    rows, statements = captured(in_scope(chamber, run))
    assert rows
    assert_no_seq_scan_on_big_tables(f"requests board ({tab}, {who})", statements)


@pytest.mark.django_db
@pytest.mark.parametrize("listing", ["arrears", "invoices"])
def test_dues_lists(scale, listing):
    from django.core.paginator import Paginator

    from members.dues.selectors import dues_arrears_list, dues_invoice_list

    chamber = scale["big"]
    select = dues_arrears_list if listing == "arrears" else dues_invoice_list

    def run():
        page = Paginator(select(chamber=chamber, year=DUES_YEAR), 50).get_page(5)
        return list(page.object_list)

    rows, statements = captured(in_scope(chamber, run))
    assert len(rows) == 50
    assert_no_seq_scan_on_big_tables(f"dues {listing}", statements)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["admin", "branch_secretary"])
def test_change_feed(scale, who):
    from members.models import Membership
    from members.sync import Cursor, Position, roster_changes

    chamber = scale["big"]
    reader = access(chamber, scale[who])
    with scope(chamber=chamber):
        middle = Membership.objects.filter(chamber=chamber).order_by("updated_at", "pk").values_list(
            "updated_at", "pk")[BIG_MEMBERS // 2]
    first, statements = captured(in_scope(chamber, lambda: roster_changes(chamber=chamber, access=reader, limit=100)))
    later, more = captured(in_scope(chamber, lambda: roster_changes(
        chamber=chamber, access=reader, limit=100,
        cursor=Cursor(Position(*middle), Position(timezone.now() - datetime.timedelta(days=1)), None))))
    assert first["rows"] and later["rows"]
    assert_no_seq_scan_on_big_tables(f"change feed ({who})", statements + more)
