"""Every API list runs the same number of queries with a few rows and with many (issue 11, item 3).

The list operations are enumerated from the OpenAPI schema (drf_spectacular's generator, as
tests/api/test_schema.py builds it), so a new list endpoint cannot escape: it fails
`test_every_api_list_has_a_row_maker` until MAKERS says how to make rows of what it lists.

Each endpoint is read at its default page size with FEW rows, then again after MORE rows have
been added (bulk_create of valid rows, or the services where the rows need their ledger,
numbering or line-up); the two query counts must be equal, and the second answer must show
the rows made (a larger count, more items, or moved figures), so two empty lists cannot pass.
Evaluations are read in the federation of tests/evaluation_fixtures.py; a subject's own
lists ("mine", self-assessments) by the affiliated chamber's admin in its own workspace.
The web pages have the same guard in test_web_list_query_guards.py, reusing these makers.
"""
import datetime
from decimal import Decimal
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from branches.models import Branch
from branches.services import branch_create
from chamber.numbering import number_format
from evaluations.models import (
    Campaign,
    CampaignReviewer,
    CampaignStage,
    Evidence,
    Indicator,
    Rating,
    Scheme,
    SchemeKind,
    SchemeVersion,
    ScoreSheet,
    SheetKind,
    Submission,
    SubmissionStatus,
    SubmissionUserObjectPermission,
    WorkingGroup,
)
from events.models import MemberRequest
from members.models import (
    AnnualFigures,
    ChangeField,
    Contact,
    DuesInvoice,
    Enterprise,
    FeeSchedule,
    Membership,
    MembershipBranch,
    MembershipChange,
    MembershipKind,
    MembershipStatus,
    OfficerPosition,
    Person,
    Post,
    Rank,
    Term,
)
from tests.factories import make_mobile, make_uscc

FEW, MORE = 2, 25
_serial = count(500_000)


def list_operations():
    """{operationId: path} of every GET whose answer is a list (a page or an array)."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]

    def resolve(body):
        while "$ref" in body:
            body = components[body["$ref"].rsplit("/", 1)[-1]]
        return body

    found = {}
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        content = get["responses"].get("200", {}).get("content", {})
        body = resolve(next(iter(content.values()), {}).get("schema", {})) if content else {}
        # A list action answering one summary document (totals, figures: many=False in the schema,
        # tests/trust/test_api_fuzz.py) still lists grouped rows, so it keeps its guard.
        listed = body.get("type") == "array" or "results" in body.get("properties", {})
        if listed or get["operationId"].endswith("_list"):
            found[get["operationId"]] = path
    return found


# --- Row makers: make(ctx, n) adds n rows of what the endpoint lists and returns the path's
# parameters ({} for most), and "chamber" / "user" when the list is read in another chamber or
# by another user than the chamber admin. ctx: chamber, member, branches, admin; "fixture"
# (request.getfixturevalue) for the federation's fixtures; "state", kept between the two
# calls of one test (the parent row made on the first call). Makers run with scopes disabled.

def _members(ctx, n):
    chamber, rank = ctx["chamber"], Rank.objects.get(chamber=ctx["chamber"], code="member")
    serials = [next(_serial) for _ in range(n)]
    enterprises = Enterprise.objects.bulk_create([
        Enterprise(chamber=chamber, name=f"苏州规模测试企业{s}有限公司", uscc=make_uscc(s)) for s in serials])
    people = Person.objects.bulk_create([Person(chamber=chamber, name=f"联系人{s}", mobile=make_mobile(s)) for s in serials])
    Contact.objects.bulk_create([Contact(chamber=chamber, enterprise=e, person=p, title="总经理", is_primary=True)
                                 for e, p in zip(enterprises, people)])
    memberships = Membership.objects.bulk_create([
        Membership(chamber=chamber, kind=MembershipKind.ENTERPRISE, enterprise=e, name=e.name, rank=rank,
                   status=MembershipStatus.ACTIVE, joined_on=datetime.date(2020, 1, 1)) for e in enterprises])
    MembershipBranch.objects.bulk_create([
        MembershipBranch(chamber=chamber, membership=m, branch=b)
        for m in memberships for b in (ctx["branches"]["cable_sub"], ctx["branches"]["display"])])
    return memberships


def members(ctx, n):
    _members(ctx, n)
    return {}


def people(ctx, n):
    Person.objects.bulk_create([Person(chamber=ctx["chamber"], name=f"人员{next(_serial)}") for _ in range(n)])
    return {}


def branches(ctx, n):
    parent = ctx["branches"]["display"]
    Branch.objects.bulk_create([
        Branch(chamber=ctx["chamber"], parent=parent, name=f"小组{s}", kind="committee", depth=parent.depth + 1,
               path=f"{parent.path}x{s}/") for s in (next(_serial) for _ in range(n))])
    return {}


def _terms(ctx, n):
    start = Term.objects.filter(chamber=ctx["chamber"]).count()
    return Term.objects.bulk_create([
        Term(chamber=ctx["chamber"], ordinal=start + i + 1, starts_on=datetime.date(1900 + start + i, 1, 1),
             ends_on=datetime.date(1900 + start + i, 12, 31)) for i in range(n)])


def terms(ctx, n):
    _terms(ctx, n)
    return {}


def officers(ctx, n):
    term = _terms(ctx, 1)[0]
    people_ = Person.objects.bulk_create([Person(chamber=ctx["chamber"], name=f"理事{next(_serial)}") for _ in range(n)])
    OfficerPosition.objects.bulk_create([
        OfficerPosition(chamber=ctx["chamber"], term=term, person=p, enterprise=ctx["member"].enterprise,
                        branch=ctx["branches"]["cable"], post=Post.COUNCIL_MEMBER, starts_on=term.starts_on) for p in people_])
    return {}


def ranks(ctx, n):
    Rank.objects.bulk_create([Rank(chamber=ctx["chamber"], code=f"r{s}", name=f"级别{s}", order=200 + s % 1000)
                              for s in (next(_serial) for _ in range(n))])
    return {}


def contacts(ctx, n):
    enterprise = ctx["member"].enterprise
    people_ = Person.objects.bulk_create([Person(chamber=ctx["chamber"], name=f"联络员{next(_serial)}") for _ in range(n)])
    Contact.objects.bulk_create([Contact(chamber=ctx["chamber"], enterprise=enterprise, person=p, title="联络员")
                                 for p in people_])
    return {"enterprise_pk": enterprise.pk}


def figures(ctx, n):
    enterprise = ctx["member"].enterprise
    start = AnnualFigures.objects.filter(chamber=ctx["chamber"], enterprise=enterprise).count()
    AnnualFigures.objects.bulk_create([AnnualFigures(chamber=ctx["chamber"], enterprise=enterprise, year=1900 + start + i,
                                                     revenue=Decimal(i)) for i in range(n)])
    return {"enterprise_pk": enterprise.pk}


def history(ctx, n):
    MembershipChange.objects.bulk_create([
        MembershipChange(chamber=ctx["chamber"], membership=ctx["member"], field=ChangeField.STATUS, old_value="active",
                         new_value="suspended", reason=f"第{i}次", actor=ctx["admin"], actor_label="alice") for i in range(n)])
    return {"id": ctx["member"].pk}


def _schedule(ctx, year=2026):
    schedule, _ = FeeSchedule.objects.get_or_create(chamber=ctx["chamber"], year=year,
                                                    defaults={"due_on": datetime.date(year, 3, 31), "grace_days": 90})
    return schedule


def invoices(ctx, n):
    schedule = _schedule(ctx)
    start = DuesInvoice.objects.filter(chamber=ctx["chamber"]).count()
    DuesInvoice.objects.bulk_create([
        DuesInvoice(chamber=ctx["chamber"], membership=m, schedule=schedule, year=schedule.year,
                    number=number_format("dues_invoice", schedule.year, start + i + 1), rank_name="会员单位",
                    issued_on=datetime.date(schedule.year, 1, 10), due_on=schedule.due_on, amount=Decimal("2000"),
                    settled_amount=Decimal(0))
        for i, m in enumerate(_members(ctx, n))])
    return {}


def schedules(ctx, n):
    start = FeeSchedule.objects.filter(chamber=ctx["chamber"]).count()
    FeeSchedule.objects.bulk_create([FeeSchedule(chamber=ctx["chamber"], year=1950 + start + i,
                                                 due_on=datetime.date(1950 + start + i, 3, 31)) for i in range(n)])
    return {}


def requests(ctx, n):
    MemberRequest.objects.bulk_create([
        MemberRequest(chamber=ctx["chamber"], membership=ctx["member"], source="staff", category="financing",
                      title=f"诉求{i}", description="企业反映的问题与诉求。", assignee=ctx["admin"], status="new",
                      due_on=datetime.date(2026, 6, 1)) for i in range(n)])
    return {}


# --- Charity: through the services, so programmes, recipients and the ledger are valid. -------

def _programme(ctx):
    """One programme per test (the parent of recipients and donations)."""
    if "programme" not in ctx["state"]:
        ctx["state"]["programme"] = _programmes(ctx, 1)[0]
    return ctx["state"]["programme"]


def _programmes(ctx, n):
    from charity.services import programme_create

    return [programme_create(chamber=ctx["chamber"], actor=ctx["admin"], name=f"规模测试慈善项目{s}",
                             kind="education", starts_on=datetime.date(2026, 1, 1), goal_amount=Decimal("100000"))
            for s in (next(_serial) for _ in range(n))]


def _donations(ctx, programmes):
    """A member's donation, half received, to each of `programmes` (member, receipt: the joins)."""
    from charity.services import donation_record

    for programme, membership in zip(programmes, _members(ctx, len(programmes))):
        donation_record(programme=programme, actor=ctx["admin"], donor_kind="member", membership=membership,
                        form="money", amount=Decimal("1000"), pledged_on=datetime.date(2026, 2, 1),
                        received={"amount": Decimal("500"), "on": datetime.date(2026, 2, 2),
                                  "method": "bank_transfer", "reference": ""})


def charity_programmes(ctx, n):
    _donations(ctx, _programmes(ctx, n))
    return {}


def charity_recipients(ctx, n):
    from charity.services import recipient_add

    programme = _programme(ctx)
    for _ in range(n):
        recipient_add(programme=programme, actor=ctx["admin"], name=f"受助学校{next(_serial)}", kind="school")
    return {"id": programme.pk}


def charity_donations(ctx, n):
    _donations(ctx, [_programme(ctx)] * n)
    return {}


def charity_totals(ctx, n):
    """Totals grouped by programme: n more programmes, each with a donation, make n more groups."""
    _donations(ctx, _programmes(ctx, n))
    return {}


# --- Events and member services: through the services (validation, numbering, audit). --------

def _events(ctx, n, kind="training", days=10):
    from events.services.events import event_create, event_set_status

    start = (timezone.localtime() + datetime.timedelta(days=days)).replace(hour=9, minute=30, second=0, microsecond=0)
    events = []
    for _ in range(n):
        event = event_create(chamber=ctx["chamber"], actor=ctx["admin"], title=f"规模测试活动{next(_serial)}", kind=kind,
                             starts_at=start, ends_at=start + datetime.timedelta(hours=3), place="商会会议室")
        events.append(event_set_status(event=event, actor=ctx["admin"], status="open"))
    return events


def _meeting(ctx):
    """One council meeting held 30 days ago, in a term that covers it (made once per test)."""
    from events.services.events import event_set_status

    if "meeting" not in ctx["state"]:
        meeting = _events(ctx, 1, kind="council", days=-30)[0]
        ctx["state"]["meeting"] = event_set_status(event=meeting, actor=ctx["admin"], status="held")
        day = timezone.localdate()
        ctx["state"]["term"] = Term.objects.create(
            chamber=ctx["chamber"], ordinal=Term.objects.filter(chamber=ctx["chamber"]).count() + 1,
            starts_on=day - datetime.timedelta(days=400), ends_on=day + datetime.timedelta(days=400))
    return ctx["state"]["meeting"]


def open_events(ctx, n):
    from events.services.registrations import registration_create

    for event in _events(ctx, n):  # each with a registration: the page's counts come with its rows
        registration_create(event=event, actor=ctx["admin"], membership=ctx["member"], attendee_name="参会代表")
    return {}


def council_meetings(ctx, n):
    _events(ctx, n, kind="council", days=-5)
    return {}


def resolutions(ctx, n):
    from events.services.meetings import resolution_create

    meeting = _meeting(ctx)
    for _ in range(n):
        resolution_create(event=meeting, actor=ctx["admin"], title=f"关于第{next(_serial)}号事项的决议")
    return {"event_pk": meeting.pk}


def attendance(ctx, n):
    """n more council members expected at the meeting, each with an attendance row."""
    from events.services.meetings import meeting_attendance_prepare

    meeting, term = _meeting(ctx), ctx["state"]["term"]
    people_ = Person.objects.bulk_create([Person(chamber=ctx["chamber"], name=f"理事{next(_serial)}") for _ in range(n)])
    OfficerPosition.objects.bulk_create([
        OfficerPosition(chamber=ctx["chamber"], term=term, person=p, enterprise=ctx["member"].enterprise,
                        post=Post.COUNCIL_MEMBER, starts_on=term.starts_on) for p in people_])
    meeting_attendance_prepare(event=meeting, actor=ctx["admin"])
    return {"id": meeting.pk}


def registrations(ctx, n):
    from events.services.registrations import registration_create

    if "event" not in ctx["state"]:
        ctx["state"]["event"] = _events(ctx, 1)[0]
    for membership in _members(ctx, n):
        registration_create(event=ctx["state"]["event"], actor=ctx["admin"], membership=membership,
                            attendee_name="参会代表")
    return {}


def visits(ctx, n):
    from events.services.visits import visit_record

    for membership in _members(ctx, n):
        visit_record(chamber=ctx["chamber"], actor=ctx["admin"], membership=membership,
                     visited_on=datetime.date(2026, 3, 1), visitors="秘书长、会员服务部", requests=[
                         {"category": "financing", "title": "流动资金贷款", "description": "希望协调续贷。"}])
    return {}


def chambers(ctx, n):
    """n more chambers in which the reader holds a role (a user's chambers list)."""
    from chamber.models import ChamberKind, RoleKind
    from chamber.services import chamber_create, role_grant

    if "multi" not in ctx["state"]:
        ctx["state"]["multi"] = ctx["fixture"]("make_user")("multi")
    reader = ctx["state"]["multi"]
    for s in (next(_serial) for _ in range(n)):
        other = chamber_create(actor=None, name=f"规模测试商会{s}", slug=f"scale-{s}", kind=ChamberKind.INDUSTRY)
        with scope(chamber=other):
            role_grant(chamber=other, user=reader, kind=RoleKind.SECRETARIAT_READONLY, actor=None)
    return {"user": reader}


# --- Evaluations: the federation of tests/evaluation_fixtures.py, rows by bulk_create. -------
# Read by its admin (evaluations.view/manage); a reviewer reads "reviews", the affiliated
# chamber's admin reads its own ("mine", "self-assessments") from its own workspace.

def _fed(ctx):
    state = ctx["state"]
    if "fed" not in state:
        fixture = ctx["fixture"]
        state.update(fed=fixture("federation"), fed_admin=fixture("fed_admin"), campaign=fixture("campaign"))
        state["version"] = state["campaign"].version
        with scope(chamber=state["fed"]):
            state["area"] = branch_create(chamber=state["fed"], actor=None, name="规模测试片区", kind="branch")
    return state


def _as_fed(ctx, **params):
    state = _fed(ctx)
    return {"chamber": state["fed"], "user": state["fed_admin"], **params}


def _users(n, prefix):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.bulk_create([
        get_user_model()(username=f"{prefix}{s}", first_name=f"评审{s}") for s in (next(_serial) for _ in range(n))])


def _fed_submissions(ctx, n, campaign=None, **fields):
    """n sub-chambers of the federation, each applying to `campaign` (the fixture's by default)."""
    state = _fed(ctx)
    fed, area = state["fed"], state["area"]
    subjects = Branch.objects.bulk_create([
        Branch(chamber=fed, parent=area, name=f"规模测试街道商会{s}", kind="township", depth=area.depth + 1,
               path=f"{area.path}x{s}/") for s in (next(_serial) for _ in range(n))])
    return Submission.objects.bulk_create([
        Submission(chamber=fed, campaign=campaign or state["campaign"], subject_branch=b, subject_name=b.name,
                   applied_by=state["fed_admin"], **fields) for b in subjects])


def ev_campaigns(ctx, n):
    state = _fed(ctx)
    Campaign.objects.bulk_create([
        Campaign(chamber=state["fed"], name=f"规模测试考评{s}", year=2026, version=state["version"],
                 stage=CampaignStage.APPLICATION, applications_close=datetime.date(2026, 9, 30),
                 self_assessment_due=datetime.date(2026, 10, 31), preliminary_review_due=datetime.date(2026, 11, 15),
                 inspection_due=datetime.date(2026, 12, 10), decision_due=datetime.date(2026, 12, 20),
                 created_by=state["fed_admin"]) for s in (next(_serial) for _ in range(n))])
    return _as_fed(ctx)


def ev_assignments(ctx, n):
    state = _fed(ctx)
    group = state.get("group") or WorkingGroup.objects.create(chamber=state["fed"], campaign=state["campaign"],
                                                             name="第一工作组")
    state["group"] = group
    _fed_submissions(ctx, n, status=SubmissionStatus.PASSED, group=group)
    return _as_fed(ctx, campaign_pk=state["campaign"].pk)


def _reviewers(ctx, n, group=None):
    state = _fed(ctx)
    return CampaignReviewer.objects.bulk_create([
        CampaignReviewer(chamber=state["fed"], campaign=state["campaign"], user=u, group=group,
                         home_chamber=state["fed"], home_branch=state["area"]) for u in _users(n, "rv")])


def ev_groups(ctx, n):
    state = _fed(ctx)
    groups = WorkingGroup.objects.bulk_create([
        WorkingGroup(chamber=state["fed"], campaign=state["campaign"], name=f"工作组{next(_serial)}") for _ in range(n)])
    for group in groups:
        _reviewers(ctx, 2, group=group)
    return _as_fed(ctx, campaign_pk=state["campaign"].pk)


def ev_reviewers(ctx, n):
    _reviewers(ctx, n)
    return _as_fed(ctx, campaign_pk=_fed(ctx)["campaign"].pk)


def ev_evidence(ctx, n):
    state = _fed(ctx)
    indicator = Indicator.objects.filter(version=state["version"]).order_by("sort_key").first()
    Evidence.objects.bulk_create([
        Evidence(chamber=state["fed"], submission=s, indicator=indicator, file=f"evidence/scale/{s.pk}.pdf",
                 original_name="会议纪要.pdf", content_type="application/pdf", size=1024, sha256="0" * 64,
                 uploaded_by=state["fed_admin"]) for s in _fed_submissions(ctx, n)])
    return _as_fed(ctx)


def ev_ratings(ctx, n):
    state = _fed(ctx)
    Rating.objects.bulk_create([
        Rating(chamber=state["fed"], scheme=state["version"].scheme, version=state["version"],
               subject_branch=s.subject_branch,
               subject_name=s.subject_name, level=3, grade_label="三星级", awarded_on=datetime.date(2025, 12, 20),
               valid_until=datetime.date(2028, 12, 19), awarded_by="南京市工商联", recorded_by=state["fed_admin"])
        for s in _fed_submissions(ctx, n)])
    return _as_fed(ctx)


def _affiliate(ctx):
    state = _fed(ctx)
    if "affiliate" not in state:
        state.update(affiliate=ctx["fixture"]("affiliate"), affiliate_admin=ctx["fixture"]("affiliate_admin"))
    return state


def ev_ratings_mine(ctx, n):
    state = _affiliate(ctx)
    Rating.objects.bulk_create([
        Rating(chamber=state["fed"], scheme=state["version"].scheme, version=state["version"],
               subject_chamber=state["affiliate"], subject_name=state["affiliate"].name, level=3, grade_label="三星级",
               awarded_on=datetime.date(2000 + i % 25, 12, 20), valid_until=datetime.date(2030, 12, 19))
        for i in range(n)])
    return {"chamber": state["affiliate"], "user": state["affiliate_admin"]}


def ev_reviews(ctx, n):
    """n submissions granted to a reviewer (guardian's per-object grant), each with their sheet."""
    from django.contrib.auth.models import Permission

    state = _fed(ctx)
    reviewer = state.setdefault("reviewer", ctx["fixture"]("fed_reviewers")[0])
    permission = Permission.objects.get(codename="review_submission", content_type__app_label="evaluations")
    submissions = _fed_submissions(ctx, n, status=SubmissionStatus.PASSED)
    SubmissionUserObjectPermission.objects.bulk_create([
        SubmissionUserObjectPermission(user=reviewer, permission=permission, content_object=s) for s in submissions])
    ScoreSheet.objects.bulk_create([
        ScoreSheet(chamber=state["fed"], submission=s, kind=SheetKind.REVIEWER, reviewer=reviewer)
        for s in submissions])
    return {"chamber": state["fed"], "user": reviewer}


def ev_schemes(ctx, n):
    state = _fed(ctx)
    Scheme.objects.bulk_create([Scheme(chamber=state["fed"], kind=SchemeKind.STAR_RATING, name=f"规模测试细则{next(_serial)}")
                                for _ in range(n)])
    return _as_fed(ctx)


def ev_versions(ctx, n):
    state = _fed(ctx)
    SchemeVersion.objects.bulk_create([
        SchemeVersion(chamber=state["fed"], scheme=state["version"].scheme, label=f"v{next(_serial)}",
                      max_points=Decimal("100"), validity_months=36) for _ in range(n)])
    return _as_fed(ctx)


def ev_own_submissions(ctx, n):
    """The affiliated chamber applying to n more of its federation's campaigns (once per campaign)."""
    state = _affiliate(ctx)
    ev_campaigns(ctx, n)
    campaigns = Campaign.objects.filter(chamber=state["fed"]).exclude(submissions__subject_chamber=state["affiliate"])
    Submission.objects.bulk_create([
        Submission(chamber=state["fed"], campaign=c, subject_chamber=state["affiliate"],
                   subject_name=state["affiliate"].name)
        for c in campaigns])
    return {"chamber": state["affiliate"], "user": state["affiliate_admin"]}


def ev_submissions(ctx, n):
    _fed_submissions(ctx, n)
    return _as_fed(ctx)


def ev_sheets(ctx, n):
    state = _fed(ctx)
    if "submission" not in state:
        state["submission"] = _fed_submissions(ctx, 1, status=SubmissionStatus.PASSED)[0]
    ScoreSheet.objects.bulk_create([
        ScoreSheet(chamber=state["fed"], submission=state["submission"], kind=SheetKind.REVIEWER, reviewer=u,
                   total=Decimal("88"), submitted_at=timezone.now()) for u in _users(n, "sh")])
    return _as_fed(ctx, submission_pk=state["submission"].pk)


MAKERS = {
    "chambers_list": chambers,
    "chambers_branches_list": branches,
    "chambers_branches_tree_list": branches,
    "chambers_charity_donations_list": charity_donations,
    "chambers_charity_programmes_list": charity_programmes,
    "chambers_charity_programmes_recipients_list": charity_recipients,
    "chambers_charity_totals_list": charity_totals,
    "chambers_dues_invoices_list": invoices,
    "chambers_dues_invoices_arrears_list": invoices,
    "chambers_dues_schedules_list": schedules,
    "chambers_enterprises_contacts_list": contacts,
    "chambers_enterprises_figures_list": figures,
    "chambers_evaluations_campaigns_list": ev_campaigns,
    "chambers_evaluations_campaigns_assignments_list": ev_assignments,
    "chambers_evaluations_campaigns_groups_list": ev_groups,
    "chambers_evaluations_campaigns_reviewers_list": ev_reviewers,
    "chambers_evaluations_evidence_list": ev_evidence,
    "chambers_evaluations_ratings_list": ev_ratings,
    "chambers_evaluations_ratings_mine_list": ev_ratings_mine,
    "chambers_evaluations_reviews_list": ev_reviews,
    "chambers_evaluations_schemes_list": ev_schemes,
    "chambers_evaluations_self_assessments_list": ev_own_submissions,
    "chambers_evaluations_submissions_list": ev_submissions,
    "chambers_evaluations_submissions_sheets_list": ev_sheets,
    "chambers_evaluations_submissions_mine_list": ev_own_submissions,
    "chambers_evaluations_versions_list": ev_versions,
    "chambers_events_events_list": open_events,
    "chambers_events_meetings_list": council_meetings,
    "chambers_events_meetings_resolutions_list": resolutions,
    "chambers_events_meetings_attendance_list": attendance,
    "chambers_events_registrations_list": registrations,
    "chambers_events_requests_list": requests,
    "chambers_events_requests_figures_list": requests,
    "chambers_events_visits_list": visits,
    "chambers_members_list": members,
    "chambers_members_history_list": history,
    "chambers_officers_list": officers,
    "chambers_people_list": people,
    "chambers_ranks_list": ranks,
    "chambers_terms_list": terms,
}




def test_every_api_list_has_a_row_maker(db):
    """A list endpoint added without an entry in MAKERS fails here; so does a stale entry."""
    operations = set(list_operations())
    assert sorted(operations - set(MAKERS)) == [], "add these list endpoints to MAKERS"
    assert sorted(set(MAKERS) - operations) == [], "these MAKERS entries have no endpoint any more"


def _count_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("operation", sorted(MAKERS))
def test_api_list_query_count_does_not_grow_with_rows(operation, api, chamber, member, branches, admin_user, request):
    make = MAKERS[operation]
    ctx = {"chamber": chamber, "member": member, "branches": branches, "admin": admin_user,
           "fixture": request.getfixturevalue, "state": {}}
    template = list_operations()[operation]
    with scopes_disabled():
        params = make(ctx, FEW)
    reader, user = params.pop("chamber", chamber), params.pop("user", admin_user)
    path = template.replace("{chamber}", reader.slug)
    for name, value in params.items():
        path = path.replace("{" + name + "}", str(value))
    client = api.as_user(user)
    client.get(path)  # warm-up: caches filled on a first request (content types, preferences)
    few, before = _count_queries(client, path)
    with scopes_disabled():
        make(ctx, MORE)
    more, response = _count_queries(client, path)
    assert more == few, f"{operation}: {few} queries with {FEW} rows, {more} with {FEW + MORE}"
    # The rows made are the rows listed (else the guard compares two empty lists).
    body_before, body_after = before.json(), response.json()
    if isinstance(body_before, dict) and "count" in body_before:
        assert body_after["count"] >= body_before["count"] + MORE, operation
    elif isinstance(body_before, dict) and _items(body_before) <= 1:  # a summary: its figures move
        assert body_after != body_before, operation
    else:  # an array, a tree, or a page without a count (cursor): more items are shown
        assert _items(body_after) > _items(body_before), operation


def _items(body):
    """How many objects a JSON answer lists, at any depth (a tree's children count too)."""
    if isinstance(body, list):
        return sum(1 + _items(item) if isinstance(item, dict) else _items(item) for item in body)
    if isinstance(body, dict):
        return sum(_items(value) for value in body.values())
    return 0
