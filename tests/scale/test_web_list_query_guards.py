"""Every web list page runs the same number of queries with a few rows and with many (issue 11, item 3).

The API lists are guarded in test_list_query_guards.py; this is the same guard for the pages.
PAGES names each list page (URL name), how to make rows of what it lists (the API guard's row
makers, reused, plus a few for rows only the pages show) and who reads it. Every named URL
of the web app (the whole URLconf but the admin site and the API, whose lists are guarded
through the OpenAPI schema) is in PAGES or in NOT_A_LIST with the reason, so a new page
cannot escape the guard; the menu (chamber/navigation.py MENU) is checked on its own too.
A page with a form offering the chamber's members or people counts its options as rows;
an iCalendar feed counts its events, a CSV file its lines.

Each page is read once to warm caches, then with FEW rows and again after MORE rows were
added; the two query counts must be equal. A page that still grows is a strict xfail in
DEFECTS, with its counts, until it is fixed.
"""
import datetime
import itertools
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from chamber.annual.models import WorkRecord
from chamber.documents.models import Certificate, DocumentBatch
from chamber.interchange.models import ExportRecord, ExportStatus, ImportBatch
from chamber.models import ChamberKind
from chamber.navigation import MENU
from chamber.reminders.models import Delivery, DeliveryStatus
from evaluations.models import SubmissionStatus
from events.models import MemberRequest
from members.models import Contact, OfficerPosition, Person, Post, SelfServiceChange, Term
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


# --- Pages of one thing with its rows (a member's history, a meeting's attendance, ...). -----

def inbox(ctx, n):
    """The reader's inbox (outside any chamber): the reminders sent to them."""
    deliveries(ctx, n)
    return {"chamber": None}


def calendar_token(ctx):
    from events.models import CalendarToken

    return CalendarToken.objects.get_or_create(user=ctx["admin"])[0].token


def chamber_feed(ctx, n):
    """The chamber's calendar feed (iCalendar, fetched with the token instead of a session)."""
    api._events(ctx, n)
    return {"token": calendar_token(ctx)}


def my_feed(ctx, n):
    """The reader's own calendar feed: the events they are registered for."""
    from events.services.registrations import registration_create

    if "person" not in ctx["state"]:
        ctx["state"]["person"] = Person.objects.create(chamber=ctx["chamber"], name="本人", user=ctx["admin"])
        Contact.objects.create(chamber=ctx["chamber"], enterprise=ctx["member"].enterprise,
                               person=ctx["state"]["person"], title="联络员")
    for event in api._events(ctx, n):
        registration_create(event=event, actor=ctx["admin"], membership=ctx["member"], person=ctx["state"]["person"])
    return {"chamber": None, "token": calendar_token(ctx)}


def event_registrations(ctx, n):
    """An event's page lists its registrations."""
    api.registrations(ctx, n)
    return {"pk": ctx["state"]["event"].pk}


def attendance_export(ctx, n):
    """The attendance list (CSV) of an event: every registration with ?show=all."""
    return {**event_registrations(ctx, n), "query": "show=all"}


def event_members(ctx, n):
    """Pages of one event offering the chamber's members (invitations, walk-in check-in)."""
    if "event" not in ctx["state"]:
        ctx["state"]["event"] = api._events(ctx, 1)[0]
    api._members(ctx, n)
    return {"pk": ctx["state"]["event"].pk}


def meeting_attendance(ctx, n):
    """A council meeting's page: its expected attendance (and resolutions)."""
    params = api.attendance(ctx, n)
    api.resolutions(ctx, n)
    return {"pk": params["id"]}


def request_notes(ctx, n):
    """A member request's page lists its notes."""
    from events.models import RequestNote

    if "request" not in ctx["state"]:
        api.requests(ctx, 1)
        ctx["state"]["request"] = MemberRequest.objects.filter(chamber=ctx["chamber"]).latest("pk")
    RequestNote.objects.bulk_create([
        RequestNote(chamber=ctx["chamber"], request=ctx["state"]["request"], text=f"跟进记录{next(_serial)}",
                    author=ctx["admin"], author_label="alice") for _ in range(n)])
    return {"pk": ctx["state"]["request"].pk}


def portal_request_notes(ctx, n):
    """The same request's page in the member's portal, read by its representative."""
    params = request_notes(ctx, n)
    return {**params, "enterprise_pk": ctx["member"].enterprise_id, "user": ctx["fixture"]("representative")}


def member_page(ctx, n):
    """A member's page: its history and its enterprise's contacts."""
    api.contacts(ctx, n)
    return {"pk": api.history(ctx, n)["id"]}


def appoint_people(ctx, n):
    """The appointment form of a term offers the chamber's people and enterprises."""
    if "term" not in ctx["state"]:
        officers_this_term(ctx, 0)
    api._members(ctx, n)
    return {"term": ctx["state"]["term"].pk}


def term_officers_and_members(ctx, n):
    """A term's rotating-chair and liaison pages offer its officers and the chamber's members."""
    officers_this_term(ctx, n)
    OfficerPosition.objects.filter(term=ctx["state"]["term"]).update(post=Post.VICE_PRESIDENT)
    api._members(ctx, n)
    return {"term": ctx["state"]["term"].pk}


def lapse_candidates(ctx, n):
    """Members whose dues invoice is overdue past the grace period (who would lapse today)."""
    from chamber.numbering import number_format
    from members.models import DuesInvoice, FeeSchedule

    schedule, _ = FeeSchedule.objects.get_or_create(chamber=ctx["chamber"], year=2020, defaults={
        "due_on": datetime.date(2020, 3, 31), "grace_days": 30})
    start = DuesInvoice.objects.filter(chamber=ctx["chamber"]).count()
    DuesInvoice.objects.bulk_create([
        DuesInvoice(chamber=ctx["chamber"], membership=m, schedule=schedule, year=2020,
                    number=number_format("dues_invoice", 2020, start + i + 1), rank_name="会员单位",
                    issued_on=datetime.date(2020, 1, 10), due_on=schedule.due_on, amount=Decimal("2000"),
                    settled_amount=Decimal(0))
        for i, m in enumerate(api._members(ctx, n))])
    return {}


def donation_entries(ctx, n):
    """A donation's page lists its receipts (ledger entries)."""
    from charity.models import Donation
    from charity.services import donation_receive

    if "donation" not in ctx["state"]:
        api._donations(ctx, [api._programme(ctx)])
        ctx["state"]["donation"] = Donation.objects.filter(chamber=ctx["chamber"]).latest("pk")
    donation = ctx["state"]["donation"]
    for _ in range(n):
        donation_receive(donation=Donation.objects.get(pk=donation.pk), actor=ctx["admin"], amount=Decimal("1"),
                         received_on=datetime.date(2026, 2, 3), method="bank_transfer")
    return {"pk": donation.pk}


def honour_roll(ctx, n):
    """A programme's public honour roll (no login) lists its donors."""
    from charity.models import Programme

    programme = api._programme(ctx)
    Programme.objects.filter(pk=programme.pk).update(honour_roll_public=True)
    api.charity_donations(ctx, n)
    return {"pk": programme.pk, "user": None}


def batch_certificates(ctx, n):
    """A print batch's page lists its certificates."""
    if "batch" not in ctx["state"]:
        ctx["state"]["batch"] = DocumentBatch.objects.create(chamber=ctx["chamber"], title="批量打印", kind="certificates",
                                                             total=0, created_by=ctx["admin"])
    batch = ctx["state"]["batch"]
    batch.certificates.add(*_certificates(ctx, n))
    return {"pk": batch.pk}


def import_rows(ctx, n):
    """A checked import's preview lists its rows."""
    from chamber.interchange.models import ImportRow, ImportRowStatus, ImportStatus

    if "import" not in ctx["state"]:
        ctx["state"]["import"] = ImportBatch.objects.create(
            chamber=ctx["chamber"], kind="members", file="imports/scale/rows.xlsx", original_name="会员.xlsx",
            file_format="xlsx", total_rows=0, status=ImportStatus.CHECKED, created_by=ctx["admin"])
    batch = ctx["state"]["import"]
    start = ImportRow.objects.filter(batch=batch).count()
    ImportRow.objects.bulk_create([
        ImportRow(chamber=ctx["chamber"], batch=batch, number=start + i + 2, values={"name": f"企业{next(_serial)}"},
                  status=ImportRowStatus.VALID) for i in range(n)])
    return {"pk": batch.pk}


def report_inputs(ctx, n):
    """The year's hand-made inputs show the work records counted by kind."""
    work_records(ctx, n)
    return {"year": 2026}


def affiliate_reports(ctx, n):
    """A federation's page of its supervised chambers' reports of the year."""
    return {**affiliates(ctx, n), "year": 2026}


def ranking(ctx, n):
    """A campaign's ranking: the subjects that passed the preliminary review."""
    params = api.ev_submissions(ctx, 0)
    api._fed_submissions(ctx, n, status=SubmissionStatus.PASSED)
    return {**params, "pk": api._fed(ctx)["campaign"].pk}


def campaign_log(ctx, n):
    """A campaign's page shows its log (the campaign's own steps)."""
    from evaluations.models import StageTransition

    state = api._fed(ctx)
    StageTransition.objects.bulk_create([
        StageTransition(chamber=state["fed"], campaign=state["campaign"], to_state="application",
                        actor=state["fed_admin"], comment=f"第{next(_serial)}次") for _ in range(n)])
    return api._as_fed(ctx, pk=state["campaign"].pk)


def scheme_versions(ctx, n):
    """A scheme's page lists its versions."""
    params = api.ev_versions(ctx, n)
    return {**params, "pk": api._fed(ctx)["version"].scheme_id}


def version_indicators(ctx, n):
    """A version's page shows its indicator tree."""
    from evaluations.models import Indicator, SchemeVersion

    state = api._fed(ctx)
    if "draft" not in state:
        state["draft"] = SchemeVersion.objects.create(chamber=state["fed"], scheme=state["version"].scheme,
                                                      label=f"v{next(_serial)}", max_points=Decimal("100"))
    draft = state["draft"]
    start = Indicator.objects.filter(version=draft).count()
    Indicator.objects.bulk_create([
        Indicator(chamber=state["fed"], version=draft, position=start + i + 1, sort_key=f"{start + i + 1:04d}",
                  code=str(start + i + 1), title=f"指标{start + i + 1}", max_points=Decimal("1"))
        for i in range(n)])
    return api._as_fed(ctx, pk=draft.pk)


def submission_page(ctx, n):
    """A submission's page lists its score sheets and its log."""
    from evaluations.models import StageTransition

    params = api.ev_sheets(ctx, n)
    state = api._fed(ctx)
    StageTransition.objects.bulk_create([
        StageTransition(chamber=state["fed"], campaign=state["campaign"], submission=state["submission"],
                        to_state="passed", actor=state["fed_admin"], comment=f"第{next(_serial)}次") for _ in range(n)])
    params["pk"] = params.pop("submission_pk")
    return params


def subject_ratings(ctx, n):
    """Every rating an affiliated chamber has held in the federation's register."""
    api.ev_ratings_mine(ctx, n)
    state = api._affiliate(ctx)
    return api._as_fed(ctx, kind="chamber", pk=state["affiliate"].pk)


def audit_entries(ctx, n):
    """n audit entries of the chamber (the log is read by its admin)."""
    from chamber.models import AuditEntry

    AuditEntry.objects.bulk_create([AuditEntry(
        chamber=ctx["chamber"], actor=ctx["admin"], actor_label="alice", action="update",
        target_type="members.enterprise", target_id=str(ctx["member"].enterprise_id), target_repr="企业",
        changes={"address": ["", "苏州{}号".format(s)]}) for s in (next(_serial) for _ in range(n))])
    return {}


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
    "chamber:audit": audit_entries,
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
    # pages of one thing listing its rows, and pages outside the menu
    "inbox:list": inbox,
    "calendar:chamber": chamber_feed,
    "calendar:mine": my_feed,
    "charity_public:honour_roll": honour_roll,
    "members:detail": member_page,
    "members:dues_lapse": lapse_candidates,
    "members:officers_appoint": appoint_people,
    "members:officers_rotating_chair": term_officers_and_members,
    "members:officers_liaison": term_officers_and_members,
    "events:detail": event_registrations,
    "events:attendance": attendance_export,
    "events:invitations": event_members,
    "events:checkin": event_members,
    "events:meeting": meeting_attendance,
    "events:request_detail": request_notes,
    "events:request_portal_detail": portal_request_notes,
    "charity:donation": donation_entries,
    "document_batches:detail": batch_certificates,
    "imports:batch": import_rows,
    "annual:inputs": report_inputs,
    "annual:affiliates": affiliate_reports,
    "evaluations:campaign_detail": campaign_log,
    "evaluations:campaign_ranking": ranking,
    "evaluations:scheme_detail": scheme_versions,
    "evaluations:version_detail": version_indicators,
    "evaluations:submission_detail": submission_page,
    "evaluations:rating_history": subject_ratings,
}

# Pages of figures summing the rows (a fixed set of figures): their figures must move instead.
SUMMARIES = {"events:outcome_summary", "events:request_figures", "charity:totals", "annual:inputs"}

# Pages that are not lists of rows, and why: every URL name of the web app is in PAGES or
# here (test_every_web_page_is_guarded_or_explained), each named on its own line.
NOT_A_LIST = {
    # the menu's
    "chamber:dashboard": "figures and a few latest items (fixed-size slices), not a list",
    "annual:index": "one year's report: fixed sections of figures",
    "annual:report": "one year's report: fixed sections of figures",
    "members:portal": "a representative's own enterprise, not a list the chamber grows",
}
_GROUPS = {
    "POST only: an action that redirects, no page to read": [
        "logout", "set_language", "inbox:read_all", "inbox:read", "members:bulk", "members:validate",
        "members:contact_remove", "members:officers_rotating_chair_remove", "members:officers_liaison_remove",
        "members:dues_pay", "members:dues_waive", "evaluations:starters_install", "evaluations:indicator_move",
        "evaluations:grade_rule_delete", "evaluations:campaign_advance", "evaluations:campaign_results",
        "evaluations:evidence_upload", "evaluations:evidence_delete", "charity:programme_switch",
        "events:meeting_prepare", "events:walk_in", "imports:commit", "imports:undo", "imports:discard",
        "certificates:issue_rating", "certificates:issue_membership", "certificates:issue_officer",
        "certificates:revoke", "document_batches:start", "annual:generate",
    ],
    "a form of fixed fields (its choices: ranks, branches, kinds, a search's results or a capped member list)": [
        "login", "password_change", "password_reset", "password_reset_confirm", "inbox:preferences",
        "twofactor-setup", "twofactor-verify",
        "members:create", "members:edit", "members:person_create", "members:person_edit", "members:contact_add",
        "members:officers_term_new", "members:officers_term_edit", "members:officers_end",
        "members:portal_edit_profile", "members:portal_contact_add", "members:portal_contact_edit",
        "members:portal_contact_remove", "members:portal_figures", "members:dues_schedule", "members:dues_generate",
        "members:dues_reverse", "branches:create", "branches:edit", "branches:move", "branches:archive",
        "evaluations:scheme_create", "evaluations:scheme_edit", "evaluations:version_import",
        "evaluations:version_create", "evaluations:version_edit", "evaluations:version_delete",
        "evaluations:version_copy", "evaluations:indicator_create", "evaluations:indicator_edit",
        "evaluations:indicator_delete", "evaluations:grade_rule_create", "evaluations:grade_rule_edit",
        "evaluations:campaign_create", "evaluations:campaign_edit", "evaluations:rating_record",
        "evaluations:rating_revoke", "evaluations:mine_apply", "charity:programme_create", "charity:programme_edit",
        "charity:recipient_create", "charity:recipient_edit", "charity:donation_create", "charity:receipt_create",
        "charity:withdrawal_create", "charity:entry_reverse", "events:create", "events:edit", "events:status",
        "events:attachment_add", "events:register", "events:registration_cancel", "events:portal_register",
        "events:portal_cancel", "events:meeting_minutes", "events:meeting_resolution_add",
        "events:meeting_resolution_edit", "events:meeting_resolution_delete", "events:outcome_edit",
        "events:request_create", "events:visit_create", "events:request_portal_create", "reminders:settings",
        "imports:upload", "certificates:template", "annual:record_create", "annual:record_update",
        "annual:record_delete",
    ],
    "the request's page again, for a POST's errors (guarded as events:request_detail)": [
        "events:request_move", "events:request_assign", "events:request_note", "events:request_typical",
        "events:request_portal_note", "events:request_portal_rate",
    ],
    "one thing, its fixed fields and a handful of rows that do not grow with the chamber": [
        "home", "chamber:index", "password_change_done", "password_reset_done", "password_reset_complete",
        "inbox:message", "events:calendar", "chamber:affiliate_detail", "members:portal_enterprise",
        "members:approval_detail", "members:dues_invoice", "members:dues_receipt", "charity:receipt",
        "events:registration_pass", "events:portal_pass", "events:visit_detail",
        "certificates:detail", "verify:certificate",
        "members:portal_consent",  # the people linked to the representative's own log-in
    ],
    "one score sheet over the rubric's indicators (a rubric's size, read as on evaluations:version_detail)": [
        "evaluations:sheet", "evaluations:consensus_sheet", "evaluations:sheet_detail", "evaluations:self_assessment",
    ],
    "a progress or status fragment of one job": [
        "healthz", "imports:progress", "exports:status", "document_batches:progress", "annual:status",
    ],
    "a file download (one stored file, or an export made by the export framework)": [
        "evaluations:version_export", "evaluations:evidence_download", "events:attachment",
        "events:registration_qr", "imports:template", "exports:download", "exports:start", "certificates:pdf",
        "document_batches:download", "annual:pdf", "annual:xlsx",
    ],
}
for _reason, _names in _GROUPS.items():
    for _name in _names:
        assert _name not in NOT_A_LIST, _name
        NOT_A_LIST[_name] = _reason

# Pages whose count still grows with rows: {url name: reason}; strict xfail until fixed.
DEFECTS = {}


def test_every_menu_page_is_guarded_or_explained():
    menu = {entry.url_name for entry in MENU}
    assert sorted(menu - set(PAGES) - set(NOT_A_LIST)) == [], "add these menu pages to PAGES (or NOT_A_LIST, with why)"
    assert not set(PAGES) & set(NOT_A_LIST)


def _is_api(name, pattern):
    """The API's routes: guarded through the OpenAPI schema by test_list_query_guards.py."""
    from rest_framework.views import APIView

    view = getattr(pattern.callback, "cls", None)
    return name.startswith("api-") or (isinstance(view, type) and issubclass(view, APIView))


def web_url_names():
    """ "namespace:name" of every named URL pattern of the web app (not the admin site, not the API)."""
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, (namespace, pattern.namespace))) or None
                walk(pattern.url_patterns, inner)
            elif pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                if not name.startswith("admin:") and not _is_api(name, pattern):
                    names.add(name)  # a set: format-suffix and repeated patterns count once

    walk(get_resolver().url_patterns, None)
    return names


def test_every_web_page_is_guarded_or_explained():
    """A page added to any URLconf without an entry in PAGES or NOT_A_LIST fails here; so does a stale entry."""
    names = web_url_names()
    assert sorted(names - set(PAGES) - set(NOT_A_LIST)) == [], "add these pages to PAGES (or NOT_A_LIST, with why)"
    assert sorted((set(PAGES) | set(NOT_A_LIST)) - names) == [], "these entries name no page any more"


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:  # a file made while it is sent: its queries count too
            response.content_text = b"".join(response.streaming_content).decode("utf-8-sig")
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
    query = params.pop("query", "")
    kwargs = {"chamber": reader.slug, **params} if reader is not None else params  # None: a page outside chambers
    url = reverse(name, kwargs=kwargs) + (f"?{query}" if query else "")
    if user is not None:  # None: a public page
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


def _body(response):
    return getattr(response, "content_text", None) or response.content.decode("utf-8-sig")


def _text(response):
    """The page without its per-request CSRF tokens."""
    return CSRF_TOKEN.sub("", _body(response))


def _items(response):
    """What a page shows one per row: table rows, list items, a form's options and checkboxes;
    an iCalendar feed's events; a CSV file's lines."""
    body, kind = _body(response), response.get("Content-Type", "")
    if kind.startswith("text/calendar"):
        return body.count("BEGIN:VEVENT")
    if kind.startswith("text/csv"):
        return len(body.splitlines())
    return body.count("<tr") + body.count("<li") + body.count("<option") + body.count('type="checkbox"')
