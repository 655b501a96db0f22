"""Every web list page runs the same number of queries with a few rows and with many (issue 11, item 3).

The API lists are guarded in test_list_query_guards.py; this is the same guard for the pages.
PAGES names each list page (URL name), how to make rows of what it lists (the API guard's row
makers, reused, plus a few for rows only the pages show) and who reads it. The menu
(chamber/navigation.py MENU) is the list of pages a user reaches first: every entry is in
PAGES or in NOT_A_LIST with the reason, so a new menu page cannot escape the guard.

Each page is read once to warm caches, then with FEW rows and again after MORE rows were
added; the two query counts must be equal. A page that still grows is a strict xfail in
DEFECTS, with its counts, until it is fixed.
"""
import datetime
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from chamber.annual.models import WorkRecord
from chamber.documents.models import Certificate, DocumentBatch
from chamber.interchange.models import ExportRecord, ExportStatus, ImportBatch
from chamber.models import ChamberKind
from chamber.navigation import MENU
from chamber.reminders.models import Delivery, DeliveryStatus
from members.models import OfficerPosition, Person, Post, SelfServiceChange, Term
from tests.scale import test_list_query_guards as api

FEW, MORE = api.FEW, api.MORE
_serial = itertools.count(700_000)


# --- Row makers only the pages need (the others come from the API guard). -------------------

def officers_this_term(ctx, n):
    """n more officers in the current term (the officers page shows the term in office)."""
    if "term" not in ctx["state"]:
        day = timezone.localdate()
        ctx["state"]["term"] = Term.objects.create(
            chamber=ctx["chamber"], ordinal=Term.objects.filter(chamber=ctx["chamber"]).count() + 1,
            starts_on=day - datetime.timedelta(days=400), ends_on=day + datetime.timedelta(days=800))
    term = ctx["state"]["term"]
    people = Person.objects.bulk_create([Person(chamber=ctx["chamber"], name=f"理事{next(_serial)}") for _ in range(n)])
    OfficerPosition.objects.bulk_create([
        OfficerPosition(chamber=ctx["chamber"], term=term, person=p, enterprise=ctx["member"].enterprise,
                        branch=ctx["branches"]["cable"], post=Post.COUNCIL_MEMBER, starts_on=term.starts_on)
        for p in people])
    return {}


def approvals(ctx, n):
    """n pending profile changes proposed by members' representatives."""
    memberships = api._members(ctx, n)
    SelfServiceChange.objects.bulk_create([
        SelfServiceChange(chamber=ctx["chamber"], enterprise=m.enterprise, kind="profile",
                          proposed={"address": "苏州工业园区星湖街{}号".format(i)}, before={"address": ""},
                          requested_by=ctx["admin"]) for i, m in enumerate(memberships)])
    return {}


def outcomes(ctx, n):
    """n held events with their recorded outcome."""
    from events.services.events import event_set_status
    from events.services.outcomes import outcome_set

    for event in api._events(ctx, n, days=-3):
        event = event_set_status(event=event, actor=ctx["admin"], status="held")
        outcome_set(event=event, actor=ctx["admin"], participants=30, summary="圆满完成。")
    return {}


def programme_donations(ctx, n):
    """A programme's page lists its donations."""
    api.charity_donations(ctx, n)
    return {"pk": api._programme(ctx).pk}


def affiliates(ctx, n):
    """n more chambers supervised by the federation (read by its admin)."""
    from chamber.services import chamber_create

    state = api._fed(ctx)
    for s in (next(_serial) for _ in range(n)):
        chamber_create(actor=None, name=f"规模测试乡镇商会{s}", short_name=f"商会{s}", slug=f"aff-{s}",
                       kind=ChamberKind.TOWNSHIP, division_code="320115", supervising_federation=state["fed"])
    return api._as_fed(ctx)


def deliveries(ctx, n):
    now = timezone.now()
    Delivery.objects.bulk_create([
        Delivery(chamber=ctx["chamber"], rule="term_end", subject_type="members.term", subject_id=str(s),
                 occasion="2026-12-31/60", recipient=ctx["admin"], language="zh-hans", title="提醒 {}".format(s),
                 body="正文", link="/", due_at=now - datetime.timedelta(days=1), status=DeliveryStatus.SENT,
                 sent_at=now - datetime.timedelta(minutes=s % 1000)) for s in (next(_serial) for _ in range(n))])
    return {}


def imports(ctx, n):
    ImportBatch.objects.bulk_create([
        ImportBatch(chamber=ctx["chamber"], kind="members", file=f"imports/scale/{s}.xlsx", original_name="会员.xlsx",
                    file_format="xlsx", total_rows=10, created_by=ctx["admin"])
        for s in (next(_serial) for _ in range(n))])
    return {}


def exports(ctx, n):
    ExportRecord.objects.bulk_create([
        ExportRecord(chamber=ctx["chamber"], kind="members", title="会员名册", file_format="csv", in_background=True,
                     status=ExportStatus.READY, row_count=1, created_by=ctx["admin"], finished_at=timezone.now())
        for _ in range(n)])
    return {}


def _certificates(ctx, n):
    return Certificate.objects.bulk_create([
        Certificate(chamber=ctx["chamber"], kind="membership", number=f"ZS{s}", holder_name=m.name, title="会员证书",
                    issuer_name=ctx["chamber"].name, membership=m, created_by=ctx["admin"])
        for m, s in zip(api._members(ctx, n), (next(_serial) for _ in range(n)))])


def certificates(ctx, n):
    _certificates(ctx, n)
    return {}


def document_batches(ctx, n):
    for _ in range(n):
        batch = DocumentBatch.objects.create(chamber=ctx["chamber"], title=f"批量打印{next(_serial)}",
                                             kind="certificates", total=1, created_by=ctx["admin"])
        batch.certificates.set(_certificates(ctx, 1))
    return {}


def work_records(ctx, n):
    WorkRecord.objects.bulk_create([
        WorkRecord(chamber=ctx["chamber"], kind="honour", occurred_on=datetime.date(2026, 3, 1),
                   title=f"先进商会{next(_serial)}", created_by=ctx["admin"]) for _ in range(n)])
    return {}


def campaign_subjects(ctx, n):
    return {**api.ev_submissions(ctx, n), "pk": api._fed(ctx)["campaign"].pk}


def assignment_board(ctx, n):
    params = api.ev_assignments(ctx, n)
    params["pk"] = params.pop("campaign_pk")
    return params


def submission_sheets(ctx, n):
    params = api.ev_sheets(ctx, n)
    params["pk"] = params.pop("submission_pk")
    return params


# URL name -> row maker. The maker's answer gives the URL's other arguments, and "chamber" /
# "user" when the page is read elsewhere than the chamber fixture or by another than its admin.
PAGES = {
    # the menu
    "members:list": api.members,
    "branches:tree": api.branches,
    "members:officers": officers_this_term,
    "members:approvals": approvals,
    "events:list": api.open_events,
    "events:requests": api.requests,
    "events:outcome_summary": outcomes,
    "members:dues": api.invoices,
    "charity:programmes": api.charity_programmes,
    "chamber:affiliates": affiliates,
    "evaluations:campaigns": api.ev_campaigns,
    "evaluations:ratings": api.ev_ratings,
    "evaluations:schemes": api.ev_schemes,
    "reminders:deliveries": deliveries,
    "imports:list": imports,
    "exports:log": exports,
    "certificates:list": certificates,
    "document_batches:list": document_batches,
    "annual:records": work_records,
    "evaluations:reviews": api.ev_reviews,
    "evaluations:mine": api.ev_own_submissions,
    # list pages reached from the menu's pages
    "members:dues_invoices": api.invoices,
    "charity:programme": programme_donations,
    "charity:totals": api.charity_totals,
    "events:visit_list": api.visits,
    "events:request_figures": api.requests,
    "evaluations:campaign_subjects": campaign_subjects,
    "evaluations:assignment": assignment_board,
    "evaluations:submission_sheets": submission_sheets,
}

# Pages of figures summing the rows (a fixed set of figures): their figures must move instead.
SUMMARIES = {"events:outcome_summary", "events:request_figures", "charity:totals"}

# Menu entries that are not lists of rows, and why.
NOT_A_LIST = {
    "chamber:dashboard",  # figures and a few latest items (fixed-size slices), not a list
    "annual:index",  # one year's report: fixed sections of figures
    "members:portal",  # a representative's own enterprise, not a list the chamber grows
}

# Pages whose count still grows with rows: {url name: reason}; strict xfail until fixed.
DEFECTS = {}


def test_every_menu_page_is_guarded_or_explained():
    menu = {entry.url_name for entry in MENU}
    assert sorted(menu - set(PAGES) - NOT_A_LIST) == [], "add these menu pages to PAGES (or NOT_A_LIST, with why)"
    assert not set(PAGES) & NOT_A_LIST


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries.captured_queries), response


@pytest.mark.parametrize("name", sorted(PAGES))
def test_web_list_query_count_does_not_grow_with_rows(name, client, chamber, member, branches, admin_user, request):
    if name in DEFECTS:
        request.applymarker(pytest.mark.xfail(strict=True, reason=DEFECTS[name]))
    make = PAGES[name]
    ctx = {"chamber": chamber, "member": member, "branches": branches, "admin": admin_user,
           "fixture": request.getfixturevalue, "state": {}}
    with scopes_disabled():
        params = make(ctx, FEW)
    reader, user = params.pop("chamber", chamber), params.pop("user", admin_user)
    url = reverse(name, kwargs={"chamber": reader.slug, **params})
    client.force_login(user)
    client.get(url)  # warm-up: caches filled on a first request
    few, before = _count(client, url)
    with scopes_disabled():
        make(ctx, MORE)
    more, after = _count(client, url)
    assert more == few, f"{name}: {few} queries with {FEW} rows, {more} with {FEW + MORE}"
    if name in SUMMARIES:
        assert _text(after) != _text(before), f"{name}: the rows made are not in its figures"
    else:
        assert _items(after) > _items(before), f"{name}: the rows made are not on the page"


CSRF_TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]*')


def _text(response):
    """The page without its per-request CSRF tokens."""
    return CSRF_TOKEN.sub("", response.content.decode())


def _items(response):
    """Table rows and list items on a page: more rows made, more of them shown."""
    html = response.content.decode()
    return html.count("<tr") + html.count("<li")
