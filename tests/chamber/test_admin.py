"""The Django admin: every model opens for a superuser, history is view-only, lists do not N+1."""
import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from chamber.models import UserPreference
from django_scopes import scope, scopes_disabled

from branches.services import chamber_link_create
from chamber.models import AuditEntry, NumberSeries, RoleKind
from events.models import MeetingAttendance, RequestNote
from charity.models import Donation, DonationEntry
from chamber.services import role_grant
from members.models import (
    DuesEntry,
    DuesInvoice,
    Honour,
    MembershipChange,
    MembershipKind,
    MembershipStatus,
    OfficerPosition,
    Post,
    Rank,
    RepresentativePost,
    Term,
)
from members.officers import liaison_assign, officer_appoint, rotating_chair_add, term_create
from members.services import annual_figures_set, contact_add, enterprise_create, membership_create, person_create
from members.models import SelfServiceKind
from members.self_service import self_service_propose
from tests.factories import make_uscc

OUR_APPS = {"chamber", "branches", "members", "evaluations", "charity", "events"}


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "pw")


@pytest.fixture
def root_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def evaluation_rows(federation, fed_branches, campaign, fed_reviewers):
    """A row of every evaluations model, in the federation (the fixtures give the scheme,
    version, indicators, grade rules and campaign)."""
    from guardian.shortcuts import assign_perm

    from evaluations.models import (
        CampaignReviewer,
        Evidence,
        Indicator,
        Rating,
        ScoreEntry,
        ScoreSheet,
        SheetKind,
        StageTransition,
        Submission,
        WorkingGroup,
    )

    reviewer = fed_reviewers[0]
    with scope(chamber=federation):
        group = WorkingGroup.objects.create(chamber=federation, campaign=campaign, name="第一组")
        CampaignReviewer.objects.create(chamber=federation, campaign=campaign, user=reviewer, group=group,
                                        district_code="320104", home_branch=fed_branches["gulou"])
        submission = Submission.objects.create(chamber=federation, campaign=campaign, group=group,
                                               subject_branch=fed_branches["fuzimiao"], subject_name="夫子庙街道商会",
                                               applied_level=4)
        assign_perm("evaluations.review_submission", reviewer, submission)
        StageTransition.objects.create(chamber=federation, campaign=campaign, submission=submission,
                                       from_state="", to_state="eligible", actor_label="系统")
        sheet = ScoreSheet.objects.create(chamber=federation, submission=submission, kind=SheetKind.REVIEWER,
                                          reviewer=reviewer)
        indicator = Indicator.objects.get(version=campaign.version, code="1.2")
        ScoreEntry.objects.create(chamber=federation, sheet=sheet, indicator=indicator, points=Decimal("18"),
                                  reason="台帐缺两个月")
        Evidence.objects.create(chamber=federation, submission=submission, indicator=indicator,
                                file="evidence/{}/{}/{}".format(federation.pk, submission.pk, "0" * 32),
                                original_name="会员台帐.pdf", content_type="application/pdf", size=1024,
                                sha256="0" * 64)
        Rating.objects.create(chamber=federation, scheme=campaign.version.scheme, subject_branch=fed_branches["fuzimiao"],
                              subject_name="夫子庙街道商会", level=3, grade_label="三星级",
                              awarded_on=datetime.date(2024, 12, 20), valid_until=datetime.date(2027, 12, 19),
                              awarded_by="秦淮区工商联")


@pytest.fixture
def money_rows(chamber, member, admin_user):
    """A row of every money model: a schedule with its rates, an invoice paid and the payment
    reversed, a programme with a recipient and a received donation, an idempotency key."""
    from chamber.models import IdempotencyKey
    from charity.services import donation_record, programme_create, recipient_add
    from members.dues.services import dues_entry_reverse, dues_invoices_generate, dues_payment_record, fee_schedule_set

    with scope(chamber=chamber):
        fee_schedule_set(chamber=chamber, actor=admin_user, year=2025, due_on=datetime.date(2025, 3, 31), grace_days=90,
                         rates={rank: Decimal("2000") for rank in Rank.objects.filter(chamber=chamber)})
        dues_invoices_generate(chamber=chamber, actor=admin_user, year=2025)
        invoice = member.dues_invoices.get()
        payment = dues_payment_record(invoice=invoice, actor=admin_user, amount="2000", paid_on=datetime.date(2025, 3, 1),
                                      method="bank_transfer", reference="光电缆 2025 会费")
        dues_entry_reverse(entry=payment, actor=admin_user, reason="重复录入")
        programme = programme_create(chamber=chamber, actor=admin_user, name="光电助学基金", kind="education",
                                     starts_on=datetime.date(2025, 1, 1))
        recipient_add(programme=programme, actor=admin_user, name="七都中心小学", kind="school")
        donation_record(programme=programme, actor=admin_user, donor_kind="member", membership=member, form="money",
                        amount="10000", pledged_on=datetime.date(2025, 6, 1),
                        received={"amount": "10000", "on": datetime.date(2025, 6, 2), "method": "bank_transfer"})
        IdempotencyKey.objects.create(chamber=chamber, user=admin_user, key="光电-1", fingerprint="0" * 64,
                                      status_code=201, response={"id": 1})


@pytest.fixture
def event_rows(chamber, member, admin_user):
    """A row of every events model: an event with an attachment, an invitation, a
    registration, an outcome, attendance and a resolution; a calendar token; a visit with
    a request and its note. Rows are written directly: the admin only has to open them."""
    from django.utils import timezone

    from events.models import (
        CalendarToken,
        Event,
        EventAttachment,
        EventInvitation,
        EventOutcome,
        MemberRequest,
        Registration,
        RequestNote,
        Resolution,
        Visit,
    )

    start = timezone.now()
    with scope(chamber=chamber):
        event = Event.objects.create(chamber=chamber, title="光电商会理事会", kind="council", starts_at=start,
                                     ends_at=start + datetime.timedelta(hours=2), status="held")
        EventAttachment.objects.create(chamber=chamber, event=event, file="events/x/y/z", original_name="议程.pdf",
                                       content_type="application/pdf", size=10)
        EventInvitation.objects.create(chamber=chamber, event=event, membership=member)
        Registration.objects.create(chamber=chamber, event=event, membership=member, attendee_name="张会长")
        EventOutcome.objects.create(chamber=chamber, event=event, participants=30)
        Resolution.objects.create(chamber=chamber, event=event, number=1, title="关于年度工作报告的决议", passed=True)
        visit = Visit.objects.create(chamber=chamber, membership=member, visited_on=datetime.date(2026, 3, 1),
                                     visitors="秘书长")
        request = MemberRequest.objects.create(chamber=chamber, membership=member, visit=visit, category="financing",
                                               title="融资难", description="续贷")
        RequestNote.objects.create(chamber=chamber, request=request, text="已受理", author=admin_user)
    CalendarToken.objects.create(user=admin_user)
    from chamber.reminders.models import Delivery, ReminderPreference, ReminderSettings

    with scope(chamber=chamber):
        ReminderSettings.objects.create(chamber=chamber, lead_days={"term_end": [90]})
        Delivery.objects.create(chamber=chamber, rule="term_end", subject_type="members.term", subject_id="1",
                                occasion="2027-01-01/60", recipient=admin_user, language="zh-hans",
                                title="第八届理事会将于60天后届满", due_at=start)
    ReminderPreference.objects.create(user=admin_user, rule="term_end", by_email=False)
    from chamber.interchange.models import ExportRecord, ImportBatch, ImportRow
    from members.models import MembershipRemoval

    with scope(chamber=chamber):
        batch = ImportBatch.objects.create(chamber=chamber, kind="members", status="checked", file="imports/x",
                                           original_name="会员名册.xlsx", file_format="xlsx", created_by=admin_user,
                                           total_rows=1)
        ImportRow.objects.create(chamber=chamber, batch=batch, number=2, values={"name": "光电企业"}, status="valid")
        ExportRecord.objects.create(chamber=chamber, kind="members", title="会员名册", file_format="xlsx",
                                    row_count=1, created_by=admin_user)
        MembershipRemoval.objects.create(chamber=chamber, membership_id=999, name="已删除企业")
        from chamber.documents.models import Certificate, CertificateTemplate, DocumentBatch

        CertificateTemplate.objects.create(chamber=chamber, kind="membership", title="会员证书",
                                           wording="兹证明{holder}为本会会员。")
        certificate = Certificate.objects.create(chamber=chamber, kind="membership", number="ZS-2026-00001",
                                                 holder_name="光电企业", title="会员单位", issuer_name="商会")
        DocumentBatch.objects.create(chamber=chamber, title="会员证书", total=1).certificates.add(certificate)
        from chamber.annual.models import AnnualReport, WorkRecord

        WorkRecord.objects.create(chamber=chamber, kind="research_report", occurred_on="2026-03-01",
                                  title="民营企业融资难调研报告")
        AnnualReport.objects.create(chamber=chamber, year=2026, summary="本年度工作总结")
    return event


@pytest.fixture
def world(chamber, other_chamber, member, branches, admin_user, api_key, representative, evaluation_rows, money_rows,
          event_rows):
    """At least one row of every model in our apps."""
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=None, name="张会长", mobile="13812345678",
                               id_number="320505198001011239", consent=True)
        contact_add(enterprise=member.enterprise, person=person, actor=None, title="董事长", is_primary=True)
        RepresentativePost.objects.create(chamber=chamber, person=person, body="npc", level="city", term="第十七届")
        Honour.objects.create(chamber=chamber, person=person, name="优秀民营企业家", level="provincial", year=2020)
        annual_figures_set(enterprise=member.enterprise, actor=None, year=2023, revenue=Decimal("1000"))
        term = term_create(chamber=chamber, actor=None, ordinal=1, starts_on=datetime.date(2020, 1, 1),
                           ends_on=datetime.date(2024, 12, 31))
        officer = officer_appoint(term=term, actor=None, person=person, post=Post.PRESIDENT,
                                  enterprise=member.enterprise, branch=branches["cable"])
        rotating_chair_add(term=term, actor=None, position=officer, starts_on=datetime.date(2020, 1, 1),
                           ends_on=datetime.date(2020, 2, 28))
        liaison_assign(officer=officer, membership=member, actor=None)
        chamber_link_create(chamber=chamber, actor=None, kind="pairing", partner_name="", partner=other_chamber,
                            branch=branches["cable"], started_on=datetime.date(2021, 1, 1))
        self_service_propose(enterprise=member.enterprise, user=representative, kind=SelfServiceKind.PROFILE,
                             values={"address": "苏州工业园区星湖街1号"})
        # Attendance needs an officer: the one above.
        MeetingAttendance.objects.create(chamber=chamber, event=event_rows, position=officer, status="present")
    UserPreference.objects.create(user=admin_user, language="en")


def _our_models():
    return sorted(
        (m for m in admin.site._registry if m._meta.app_label in OUR_APPS), key=lambda m: m._meta.label
    )


def test_every_model_of_our_apps_is_registered():
    from django.apps import apps

    registered = set(admin.site._registry)
    missing = [m._meta.label for app in OUR_APPS for m in apps.get_app_config(app).get_models() if m not in registered]
    assert missing == []


@pytest.mark.usefixtures("world")
def test_superuser_opens_changelist_and_change_page_of_every_model(root_client):
    for model in _our_models():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = root_client.get(url)
        assert response.status_code == 200, url
        with scopes_disabled():
            obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"no {opts.label} row in the test world"
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        response = root_client.get(url)
        assert response.status_code == 200, url


@pytest.mark.usefixtures("world")
def test_changelist_search_works_for_every_model(root_client):
    for model in _our_models():
        opts = model._meta
        if not admin.site._registry[model].search_fields:
            continue
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert root_client.get(url, {"q": "光电"}).status_code == 200, url


@pytest.mark.parametrize("model", [MembershipChange, AuditEntry, DuesInvoice, DuesEntry, Donation, DonationEntry,
                                   NumberSeries, RequestNote])
def test_history_is_view_only(root_client, world, model):
    opts = model._meta
    model_admin = admin.site._registry[model]
    with scopes_disabled():
        obj = model._default_manager.order_by("pk").first()
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    request = root_client.get(url).wsgi_request
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, obj)
    assert not model_admin.has_delete_permission(request, obj)
    assert model_admin.has_view_permission(request, obj)

    assert root_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 403
    delete_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
    assert root_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert root_client.post(url, {"reason": "rewritten"}).status_code == 403
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    root_client.post(changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
    with scopes_disabled():
        assert model._default_manager.filter(pk=obj.pk).exists()
        obj.refresh_from_db()
        assert getattr(obj, "reason", "") != "rewritten"


def _changelist_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["members_membership", "members_membershipchange", "chamber_auditentry",
                                  "members_officerposition", "chamber_role", "members_contact"])
def test_changelists_do_not_query_per_row(root_client, world, chamber, name, make_user):
    url = reverse(f"admin:{name}_changelist")
    few = _changelist_queries(root_client, url)
    with scope(chamber=chamber):
        term = Term.objects.get()
        for i in range(5):
            e = enterprise_create(chamber=chamber, actor=None, name=f"加量企业{i}", uscc=make_uscc(880000 + i))
            membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=e,
                              rank=Rank.objects.get(chamber=chamber, code="member"), status=MembershipStatus.ACTIVE)
            p = person_create(chamber=chamber, actor=None, name=f"加量{i}")
            contact_add(enterprise=e, person=p, actor=None)
            officer_appoint(term=term, actor=None, person=p, post=Post.COUNCIL_MEMBER, enterprise=e)
            role_grant(chamber=chamber, user=make_user(f"extra{i}"), kind=RoleKind.SECRETARIAT, actor=None)
        assert OfficerPosition.objects.count() >= 6
    assert _changelist_queries(root_client, url) == few


def test_membership_edit_keeps_status_rank_and_branches_read_only(root_client, world, member):
    url = reverse("admin:members_membership_change", args=[member.pk])
    form = root_client.get(url).context["adminform"].form
    assert set(form.fields) == {"member_number"}
    response = root_client.post(url, {
        "member_number": "GD-100",
        # the read-only inlines still post their management forms
        "branch_links-TOTAL_FORMS": "0", "branch_links-INITIAL_FORMS": "0",
        "changes-TOTAL_FORMS": "0", "changes-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    with scopes_disabled():
        member.refresh_from_db()
    assert member.member_number == "GD-100"
    assert root_client.get(reverse("admin:members_membership_add")).status_code == 403


def test_branch_position_is_read_only_and_nodes_are_added_in_the_app(root_client, world, branches):
    url = reverse("admin:branches_branch_change", args=[branches["cable_sub"].pk])
    form = root_client.get(url).context["adminform"].form
    assert not {"parent", "path", "depth", "status", "chamber"} & set(form.fields)
    assert root_client.get(reverse("admin:branches_branch_add")).status_code == 403


def test_admin_archive_action_archives_the_subtree(root_client, world, branches):
    url = reverse("admin:branches_branch_changelist")
    root_client.post(url, {"action": "archive_subtrees", "_selected_action": [branches["cable"].pk]})
    with scopes_disabled():
        for node in branches.values():
            node.refresh_from_db()
        assert AuditEntry.objects.filter(action="archive", target_id=str(branches["cable"].pk)).exists()
    assert (branches["cable"].status, branches["cable_sub"].status, branches["display"].status) == (
        "archived", "archived", "active")


def test_admin_form_refuses_a_row_of_another_chamber(root_client, world, chamber, other_chamber):
    with scopes_disabled():
        from members.models import Contact, Person

        contact = Contact.objects.get(chamber=chamber)
        stranger = Person.objects.create(chamber=other_chamber, name="外人")
    url = reverse("admin:members_contact_change", args=[contact.pk])
    response = root_client.post(url, {"enterprise": contact.enterprise_id, "person": stranger.pk, "title": "x"})
    assert response.status_code == 200  # the form comes back with an error
    assert "person" in response.context["adminform"].form.errors
    with scopes_disabled():
        contact.refresh_from_db()
    assert contact.person_id != stranger.pk


def test_new_chamber_from_admin_gets_ranks(root_client):
    response = root_client.post(reverse("admin:chamber_chamber_add"), {
        "name": "新商会", "slug": "new-one", "kind": "industry", "status": "active",
        "self_service_requires_approval": "on",
    })
    assert response.status_code == 302
    with scopes_disabled():
        from chamber.models import Chamber

        new = Chamber.objects.get(slug="new-one")
        assert Rank.objects.filter(chamber=new).count() == 6
