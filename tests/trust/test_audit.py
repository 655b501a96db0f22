"""The audit trail (issue 10): every audited write leaves an entry with who, what, which
record and the values before and after; ID numbers stay masked in it; the log page filters
per record and per user, costs a fixed number of queries and is for chamber admins only;
reads of full ID numbers and exports are logged too; entries are never changed."""
import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from chamber.audit import PERSONAL_DATA_VIEW, audit_record
from chamber.models import AuditEntry, RoleKind
from chamber.validators import mask_id_number
from charity.models import DonationForm, DonorKind, ProgrammeKind
from charity.services import donation_entry_reverse, donation_receive, donation_record, donation_withdraw, programme_create
from evaluations.campaigns import (
    submission_decide,
    submission_objection_uphold,
    submission_overrule,
    submission_recheck,
    submission_review,
)
from evaluations.models import CampaignStage
from evaluations.ratings import rating_record, rating_revoke
from evaluations.scoring import sheet_for_reviewer, sheet_save, sheet_submit
from members.dues.services import dues_entry_reverse, dues_invoices_generate, dues_payment_record, dues_waive, fee_schedule_set
from members.models import DuesInvoice, MembershipKind, MembershipStatus, Post, Rank
from members.officers import (
    liaison_assign,
    liaison_remove,
    officer_appoint,
    officer_end,
    rotating_chair_add,
    rotating_chair_remove,
    term_create,
    term_update,
)
from members.services import (
    contact_add,
    contact_remove,
    enterprise_create,
    enterprise_update,
    membership_change_rank,
    membership_change_status,
    membership_create,
    membership_set_branches,
    membership_update,
    person_create,
    person_update,
)
from tests.evaluations.campaign_helpers import hold, make_submission, set_stage, set_status
from tests.evaluations.review_helpers import full_marks
from tests.factories import make_id_number, make_uscc, user_with_role

TODAY = timezone.localdate()
ID_NUMBER = make_id_number(41, born=datetime.date(1972, 3, 4))


def client_as(user):
    client = Client()
    client.force_login(user)
    return client


def log_url(chamber, **query):
    url = reverse("chamber:audit", kwargs={"chamber": chamber.slug})
    if query:
        from django.utils.http import urlencode
        url += "?" + urlencode(query)
    return url


def latest(chamber):
    return AuditEntry.objects.filter(chamber=chamber).order_by("-pk").first()


class Recorder:
    """Runs writes and checks each left one new entry in the one format."""

    def __init__(self, chamber):
        self.chamber = chamber
        self.seen = []

    def __call__(self, name, action, target_type, write):
        before = AuditEntry.objects.filter(chamber=self.chamber).order_by("-pk").values_list("pk", flat=True).first() or 0
        result = write()
        new = list(AuditEntry.objects.filter(chamber=self.chamber, pk__gt=before, action=action,
                                             target_type=target_type).order_by("pk"))
        assert new, "{}: no audit entry {} on {}".format(name, action, target_type)
        entry = new[-1]
        assert entry.actor_id is not None and entry.actor_label, name
        assert entry.target_id and entry.target_repr, name
        assert entry.changes, "{}: no before/after".format(name)
        for field, pair in entry.changes.items():
            assert isinstance(pair, list) and len(pair) == 2, "{}: {} is not [before, after]".format(name, field)
        assert any(old != new_ for old, new_ in entry.changes.values()), name
        self.seen.append(name)
        return result, entry


# --- 1. Coverage: members, people, officers, money ------------------------------------------------

def test_every_member_people_officer_and_money_write_is_audited(chamber, branches, admin_user, treasurer):
    record = Recorder(chamber)
    with scope(chamber=chamber):
        rank = Rank.objects.get(chamber=chamber, code="member")
        enterprise, _e = record("enterprise create", "create", "members.enterprise", lambda: enterprise_create(
            chamber=chamber, actor=admin_user, name="苏州审计测试有限公司", uscc=make_uscc(700001)))
        record("enterprise update", "update", "members.enterprise",
               lambda: enterprise_update(enterprise=enterprise, actor=admin_user, address="苏州市姑苏区1号"))
        person, _p = record("person create", "create", "members.person", lambda: person_create(
            chamber=chamber, actor=admin_user, name="审计人", id_number=ID_NUMBER, mobile="13900001111"))
        record("person update", "update", "members.person",
               lambda: person_update(person=person, actor=admin_user, email="a@example.cn"))
        membership, _m = record("membership create", "create", "members.membership", lambda: membership_create(
            chamber=chamber, actor=admin_user, kind=MembershipKind.ENTERPRISE, enterprise=enterprise, rank=rank,
            status=MembershipStatus.ACTIVE, joined_on=datetime.date(2020, 1, 1)))
        record("membership update", "update", "members.membership",
               lambda: membership_update(membership=membership, actor=admin_user, member_number="AU-1"))
        record("membership status", "status", "members.membership", lambda: membership_change_status(
            membership=membership, actor=admin_user, status=MembershipStatus.SUSPENDED, reason="未按时缴费"))
        record("membership rank", "rank", "members.membership", lambda: membership_change_rank(
            membership=membership, actor=admin_user, rank=Rank.objects.get(chamber=chamber, code="council"),
            reason="理事会决议"))
        record("membership branches", "branches", "members.membership", lambda: membership_set_branches(
            membership=membership, actor=admin_user, branches=[branches["display"]], reason="调整分会"))
        contact, _c = record("contact add", "contact", "members.enterprise", lambda: contact_add(
            enterprise=enterprise, person=person, actor=admin_user, title="总经理"))
        term, _t = record("term create", "create", "members.term", lambda: term_create(
            chamber=chamber, actor=admin_user, ordinal=9, starts_on=datetime.date(2024, 1, 1),
            ends_on=datetime.date(2028, 12, 31)))
        record("term update", "update", "members.term",
               lambda: term_update(term=term, actor=admin_user, name="第九届理事会"))
        position, _o = record("officer appoint", "appoint", "members.officerposition", lambda: officer_appoint(
            term=term, actor=admin_user, person=person, post=Post.VICE_PRESIDENT, enterprise=enterprise))
        chair, _r = record("rotating chair add", "rotating chair", "members.officerposition", lambda: rotating_chair_add(
            term=term, actor=admin_user, position=position, starts_on=datetime.date(2024, 1, 1),
            ends_on=datetime.date(2024, 6, 30)))
        record("rotating chair remove", "rotating chair", "members.officerposition",
               lambda: rotating_chair_remove(chair=chair, actor=admin_user))
        liaison, _l = record("liaison assign", "liaison", "members.membership",
                             lambda: liaison_assign(officer=position, membership=membership, actor=admin_user))
        record("liaison remove", "liaison", "members.membership", lambda: liaison_remove(liaison=liaison, actor=admin_user))
        record("officer end", "end post", "members.officerposition", lambda: officer_end(
            position=position, actor=admin_user, ends_on=datetime.date(2025, 1, 1), reason="辞职"))
        record("contact remove", "contact", "members.enterprise", lambda: contact_remove(contact=contact, actor=admin_user))
        # Money: dues.
        membership_change_status(membership=membership, actor=admin_user, status=MembershipStatus.ACTIVE, reason="恢复")
        record("fee schedule", "fee schedule create", "members.feeschedule", lambda: fee_schedule_set(
            chamber=chamber, actor=treasurer, year=TODAY.year, due_on=datetime.date(TODAY.year, 3, 31), grace_days=30,
            rates={r: "1000" for r in Rank.objects.filter(chamber=chamber)}))
        record("invoices", "dues invoices generate", "members.feeschedule",
               lambda: dues_invoices_generate(chamber=chamber, actor=treasurer, year=TODAY.year))
        invoice = DuesInvoice.objects.get(chamber=chamber, membership=membership, year=TODAY.year)
        payment, paid = record("dues payment", "settle", "members.duesinvoice", lambda: dues_payment_record(
            invoice=invoice, actor=treasurer, amount="600", paid_on=TODAY, method="bank_transfer"))
        record("dues waiver", "write_off", "members.duesinvoice",
               lambda: dues_waive(invoice=invoice, actor=treasurer, amount="100", reason="困难企业"))
        _rv, reversed_ = record("dues reversal", "reverse", "members.duesinvoice",
                                lambda: dues_entry_reverse(entry=payment, actor=treasurer, reason="重复录入"))
        # Money: charity.
        programme, _g = record("programme", "create", "charity.programme", lambda: programme_create(
            chamber=chamber, actor=treasurer, name="河南水灾救助", kind=ProgrammeKind.DISASTER_RELIEF,
            starts_on=datetime.date(2024, 1, 1)))
        donation, _d = record("donation", "create", "charity.donation", lambda: donation_record(
            programme=programme, actor=treasurer, donor_kind=DonorKind.MEMBER, form=DonationForm.MONEY, amount="5000",
            pledged_on=TODAY, membership=membership))
        receipt, _rc = record("donation receipt", "settle", "charity.donation", lambda: donation_receive(
            donation=donation, actor=treasurer, amount="3000", received_on=TODAY, method="bank_transfer"))
        record("donation withdrawal", "write_off", "charity.donation",
               lambda: donation_withdraw(donation=donation, actor=treasurer, amount="1000", reason="企业困难"))
        record("donation reversal", "reverse", "charity.donation",
               lambda: donation_entry_reverse(entry=receipt, actor=treasurer, reason="录错金额"))
    assert len(record.seen) == 29
    # Representative before/after of money: the running total and what is outstanding.
    assert paid.changes["settled_amount"] == ["0.00", "600.00"] and paid.changes["outstanding"] == ["1000.00", "400.00"]
    assert paid.changes["amount"] == [None, "600.00"] and paid.changes["receipt"][1]
    assert reversed_.changes["settled_amount"] == ["600.00", "0.00"] and reversed_.reason == "重复录入"


def test_status_and_rank_changes_hold_before_and_after(chamber, member, secretary):
    with scope(chamber=chamber):
        membership_change_status(membership=member, actor=secretary, status=MembershipStatus.SUSPENDED, reason="欠费")
        entry = latest(chamber)
        assert (entry.action, entry.changes, entry.reason, entry.actor) == (
            "status", {"status": ["active", "suspended"]}, "欠费", secretary)
        membership_change_rank(membership=member, actor=secretary, rank=Rank.objects.get(chamber=chamber, code="member"),
                               reason="降级")
        assert latest(chamber).changes == {"rank": ["副会长单位", "会员单位"]}


def test_id_numbers_are_masked_in_the_log(chamber, secretary):
    new_number = make_id_number(42, born=datetime.date(1980, 1, 1))
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=secretary, name="王身份", id_number=ID_NUMBER)
        person_update(person=person, actor=secretary, id_number=new_number)
        # Even a caller passing a number in clear gets it masked.
        audit_record(chamber=chamber, actor=secretary, action="update", target=person,
                     changes={"id_number": [new_number, ID_NUMBER]})
        logged = " ".join(str(e.changes) for e in AuditEntry.objects.filter(chamber=chamber))
        update = AuditEntry.objects.filter(chamber=chamber, action="update", target_type="members.person").first()
    assert ID_NUMBER not in logged and new_number not in logged
    assert mask_id_number(ID_NUMBER) in logged
    assert update.changes["id_number"] in ([mask_id_number(ID_NUMBER), mask_id_number(new_number)],
                                           [mask_id_number(new_number), mask_id_number(ID_NUMBER)])


# --- Evaluations: scores, reviews, decisions, ratings ---------------------------------------------

def _assigned(campaign, admin, reviewer, submission):
    """`submission` assigned to a group holding `reviewer` (as tests/evaluations/test_scoring.py does)."""
    from evaluations.assignment import group_create, reviewer_add, reviewer_set_group, submission_assign_group

    with scope(chamber=campaign.chamber):
        group = group_create(campaign, actor=admin, name="第一组")
        reviewer_set_group(reviewer_add(campaign, actor=admin, user=reviewer), actor=admin, group=group)
        submission_assign_group(submission, actor=admin, group=group, reason="安排")
    return submission


def test_every_evaluation_write_is_audited(federation, campaign, fed_admin, fed_reviewers, fed_branches, affiliate):
    record = Recorder(federation)
    wang = fed_reviewers[0]
    with scope(chamber=federation):
        # Eligibility: overrule, recheck.
        ineligible = make_submission(campaign, branch=fed_branches["fuzimiao"], status="ineligible", applied_level=4)
        record("overrule", "overrule", "evaluations.submission",
               lambda: submission_overrule(ineligible, actor=fed_admin, reason="证书补录中"))
        record("recheck", "recheck", "evaluations.submission", lambda: submission_recheck(ineligible, actor=fed_admin))
    set_stage(campaign, CampaignStage.PRELIMINARY_REVIEW)
    with scope(chamber=federation):
        reviewed = make_submission(campaign, branch=fed_branches["jiangdong"], status="self_assessed")
        record("review", "review", "evaluations.submission",
               lambda: submission_review(reviewed, actor=fed_admin, outcome="return", comment="缺少纪要"))
    scored = _assigned(campaign, fed_admin, wang, make_submission(campaign, chamber=affiliate, status="passed"))
    set_stage(campaign, CampaignStage.INSPECTION)
    with scope(chamber=federation):
        sheet = sheet_for_reviewer(scored, wang)
        _s, scores = record("scores", "scores", "evaluations.scoresheet",
                            lambda: sheet_save(sheet, actor=wang, scores=full_marks(campaign.version)))
        record("sheet submit", "submit sheet", "evaluations.scoresheet", lambda: sheet_submit(sheet, actor=wang))
    assert all(old is None for old, _new in scores.changes.values()) and len(scores.changes) >= 5
    set_stage(campaign, CampaignStage.DECISION)
    hold(campaign.version.scheme, level=3, branch=fed_branches["qinhuai"] if "qinhuai" in fed_branches else None,
         chamber=None if "qinhuai" in fed_branches else affiliate, awarded_on=TODAY - datetime.timedelta(days=800))
    deciding = make_submission(campaign, branch=fed_branches["catering"], status="scored", result_total=Decimal("70"),
                               grade_level=None)
    with scope(chamber=federation):
        _d, decided = record("decide", "decide", "evaluations.submission", lambda: submission_decide(
            deciding, actor=fed_admin, comment="未达标"))
    assert decided.changes["status"] == ["scored", "decided"] and decided.reason == "未达标"
    set_stage(campaign, CampaignStage.PUBLICATION)
    set_status(deciding, "published")
    with scope(chamber=federation):
        record("objection", "objection", "evaluations.submission",
               lambda: submission_objection_uphold(deciding, actor=fed_admin, comment="复核"))
        rating, _r = record("rating record", "record", "evaluations.rating", lambda: rating_record(
            chamber=federation, actor=fed_admin, scheme=campaign.version.scheme, level=3,
            awarded_on=TODAY - datetime.timedelta(days=10), branch=fed_branches["jiangdong"], awarded_by="区工商联",
            grade_label="三星级"))
        record("rating revoke", "revoke", "evaluations.rating",
               lambda: rating_revoke(rating=rating, actor=fed_admin, reason="违规"))
    assert len(record.seen) == 9


def test_a_score_change_keeps_the_old_and_new_score(federation, campaign, fed_admin, fed_reviewers, affiliate):
    from tests.evaluations.review_helpers import leaves

    wang = fed_reviewers[0]
    submission = _assigned(campaign, fed_admin, wang, make_submission(campaign, chamber=affiliate, status="passed"))
    set_stage(campaign, CampaignStage.INSPECTION)
    ind = leaves(campaign.version)
    with scope(chamber=federation):
        sheet = sheet_for_reviewer(submission, wang)
        sheet_save(sheet, actor=wang, scores={ind["3.1"].pk: ("30", "")})
        sheet_save(sheet, actor=wang, scores={ind["3.1"].pk: ("25", "缺少项目清单")})
        entry = latest(federation)
    (key, pair), = entry.changes.items()
    assert "促进地方经济社会发展" in key and pair == ["30.00", "25.00 — 缺少项目清单"]


# --- 2. The log page ------------------------------------------------------------------------------

@pytest.fixture
def some_changes(chamber, member, secretary, admin_user):
    with scope(chamber=chamber):
        enterprise_update(enterprise=member.enterprise, actor=secretary, address="苏州市相城区8号")
        membership_change_status(membership=member, actor=admin_user, status=MembershipStatus.SUSPENDED, reason="欠费停权")
    return member


def test_the_log_shows_who_what_record_and_before_after(chamber, some_changes, admin_user, secretary):
    response = client_as(admin_user).get(log_url(chamber))
    assert response.status_code == 200
    html = response.content.decode()
    assert "苏州市相城区8号" in html and "欠费停权" in html
    assert 'data-action="status"' in html and 'data-action="update"' in html
    # The record links to its page (the enterprise to its member page), the user to their entries.
    detail = reverse("members:detail", kwargs={"chamber": chamber.slug, "pk": some_changes.pk})
    assert 'href="{}"'.format(detail) in html
    assert 'data-actor="{}"'.format(secretary.pk) in html


def test_filters_per_record_per_user_action_and_date(chamber, some_changes, admin_user, secretary):
    client = client_as(admin_user)
    per_record = client.get(log_url(chamber, type="members.membership", id=some_changes.pk)).content.decode()
    assert "欠费停权" in per_record and "苏州市相城区8号" not in per_record and "data-record-filter" in per_record
    per_user = client.get(log_url(chamber, actor=secretary.pk)).content.decode()
    assert "苏州市相城区8号" in per_user and "欠费停权" not in per_user
    per_action = client.get(log_url(chamber, action="status")).content.decode()
    assert "欠费停权" in per_action and "苏州市相城区8号" not in per_action
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    assert 'data-empty="true"' in client.get(log_url(chamber, since=tomorrow)).content.decode()
    assert "欠费停权" in client.get(log_url(chamber, until=TODAY.isoformat())).content.decode()
    # Nonsense in the query string is ignored, never a 500.
    assert client.get(log_url(chamber, actor="x", since="2024-99-99", page="abc")).status_code == 200


def test_member_page_links_to_the_filtered_log(chamber, some_changes, admin_user, secretary):
    url = reverse("members:detail", kwargs={"chamber": chamber.slug, "pk": some_changes.pk})
    html = client_as(admin_user).get(url).content.decode()
    assert "audit/?type=members.membership&amp;id={}".format(some_changes.pk) in html
    assert "data-audit-link" not in client_as(secretary).get(url).content.decode()  # no log for them


def test_only_chamber_admins_read_the_log(chamber, admin_user, secretary, staff_readonly, outsider, make_user,
                                          branch_cable):
    assert client_as(secretary).get(log_url(chamber)).status_code == 403
    assert client_as(staff_readonly).get(log_url(chamber)).status_code == 403
    assert client_as(outsider).get(log_url(chamber)).status_code == 404  # another chamber's admin
    branch_admin = user_with_role(make_user, chamber, "branchadmin", RoleKind.CHAMBER_ADMIN, branch=branch_cable)
    assert client_as(branch_admin).get(log_url(chamber)).status_code == 403  # the log spans the chamber
    assert Client().get(log_url(chamber)).status_code == 302  # to the login page


def test_another_chambers_entries_never_show(chamber, other_chamber, admin_user, outsider):
    with scope(chamber=other_chamber):
        person = person_create(chamber=other_chamber, actor=outsider, name="外会人员")
    html = client_as(admin_user).get(log_url(chamber, type="members.person", id=person.pk)).content.decode()
    assert "外会人员" not in html and 'data-empty="true"' in html


def test_the_log_runs_a_fixed_number_of_queries(chamber, member, admin_user, secretary, django_assert_num_queries):
    client = client_as(admin_user)
    url = log_url(chamber)
    client.get(url)  # warm up: the session's first touch

    def changes(n):
        with scope(chamber=chamber):
            for i in range(n):
                enterprise_update(enterprise=member.enterprise, actor=secretary, address="苏州{}号".format(i))
                person_create(chamber=chamber, actor=admin_user, name="人员{}".format(i))

    changes(2)
    # session, user, chamber, roles (access), the count, the page's entries, the enterprises'
    # member pages, the users of the "by" filter, the chamber switcher's two and the inbox count.
    with django_assert_num_queries(11):
        shown = client.get(url).content.decode().count("data-audit=")
    changes(20)
    with django_assert_num_queries(11):
        html = client.get(url).content.decode()
    assert shown < 50 and html.count("data-audit=") == 50 and 'rel="next"' in html  # a full page of 50, then more


# --- 3. Reads of personal data and exports --------------------------------------------------------

@pytest.fixture
def individual(chamber, admin_user):
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=admin_user, name="周个人", id_number=ID_NUMBER)
        return membership_create(chamber=chamber, actor=admin_user, kind=MembershipKind.INDIVIDUAL, person=person,
                                 rank=Rank.objects.get(chamber=chamber, code="member"), status=MembershipStatus.ACTIVE)


def _views(chamber, person):
    return AuditEntry.objects.filter(chamber=chamber, action=PERSONAL_DATA_VIEW, target_type="members.person",
                                     target_id=str(person.pk))


def test_full_id_numbers_shown_are_logged(chamber, individual, secretary, api):
    url = reverse("members:detail", kwargs={"chamber": chamber.slug, "pk": individual.pk})
    html = client_as(secretary).get(url).content.decode()
    assert ID_NUMBER in html
    with scope(chamber=chamber):
        entry = _views(chamber, individual.person).get()
    assert entry.actor == secretary and entry.changes == {"where": [None, url]}
    edit = reverse("members:person_edit", kwargs={"chamber": chamber.slug, "pk": individual.person_id})
    assert client_as(secretary).get(edit).status_code == 200
    response = api.as_user(secretary).get("/api/v1/chambers/{}/people/{}/".format(chamber.slug, individual.person_id))
    assert response.json()["id_number"] == ID_NUMBER
    api.as_user(secretary).get("/api/v1/chambers/{}/people/".format(chamber.slug))
    with scope(chamber=chamber):
        assert _views(chamber, individual.person).count() == 4
        # The number itself is never in the log.
        assert ID_NUMBER not in " ".join(str(e.changes) for e in AuditEntry.objects.filter(chamber=chamber))


def test_masked_readers_are_not_logged(chamber, individual, staff_readonly, api):
    url = reverse("members:detail", kwargs={"chamber": chamber.slug, "pk": individual.pk})
    html = client_as(staff_readonly).get(url).content.decode()
    assert ID_NUMBER not in html and mask_id_number(ID_NUMBER) in html
    api.as_user(staff_readonly).get("/api/v1/chambers/{}/people/{}/".format(chamber.slug, individual.person_id))
    with scope(chamber=chamber):
        assert not _views(chamber, individual.person).exists()


def test_an_export_is_logged_with_rows_and_personal_data(chamber, member, individual, secretary, staff_readonly):
    url = reverse("exports:start", kwargs={"chamber": chamber.slug, "kind": "members"})
    response = client_as(secretary).get(url, {"format": "csv"})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    client_as(staff_readonly).get(url, {"format": "csv", "status": "active"})
    with scope(chamber=chamber):
        full, masked = AuditEntry.objects.filter(chamber=chamber, action="export").order_by("pk")
    assert (full.actor, full.target_type) == (secretary, "chamber.exportrecord")
    assert full.changes["row_count"] == [None, 2] and full.changes["personal_data"] == [None, True]
    assert full.changes["file_format"] == [None, "csv"]
    assert masked.changes["personal_data"] == [None, False] and masked.changes["filters"] == [None, {"status": "active"}]


def test_the_log_itself_exports_as_csv_and_that_is_logged(chamber, some_changes, admin_user, secretary):
    url = reverse("exports:start", kwargs={"chamber": chamber.slug, "kind": "audit"})
    response = client_as(admin_user).get(url, {"format": "csv", "actor": secretary.pk})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "变更前" in text and "苏州市相城区8号" in text and "欠费停权" not in text
    assert client_as(secretary).get(url, {"format": "csv"}).status_code == 403
    with scope(chamber=chamber):
        assert AuditEntry.objects.filter(chamber=chamber, action="export", actor=admin_user).count() == 1


# --- 4. Append-only -------------------------------------------------------------------------------

def test_entries_are_never_changed_or_deleted(chamber, some_changes):
    from django.contrib import admin

    with scope(chamber=chamber):
        entry = latest(chamber)
        entry.reason = "改写"
        with pytest.raises(ValueError):
            entry.save()
        with pytest.raises(ValueError):
            entry.delete()
        assert AuditEntry.objects.get(pk=entry.pk).reason == "欠费停权"
    model_admin = admin.site._registry[AuditEntry]
    assert not model_admin.has_change_permission(None) and not model_admin.has_delete_permission(None)
    assert not model_admin.has_add_permission(None)


def test_a_birth_date_beside_an_id_number_is_kept_as_its_year():
    """Digits 7-14 of an ID number are the birth date: with the masked number beside it, the
    full date would give the number back."""
    from chamber.audit import clean_changes
    from chamber.validators import mask_id_number

    number = make_id_number(7)
    changes = clean_changes({"id_number": ["", number], "birth_date": [None, datetime.date(1980, 5, 17)]})
    assert changes["id_number"] == ["", mask_id_number(number)]
    assert changes["birth_date"] == [None, "1980-**-**"]
    assert "0517" not in str(changes)


@pytest.mark.parametrize("params", [
    {"actor": "²"}, {"actor": "9" * 30}, {"since": "0001-01-01"}, {"until": "9999-12-31"}, {"since": "2026-13-01"},
])
def test_odd_filters_are_ignored_not_errors(params):
    from chamber.audit_selectors import audit_filters

    filters = audit_filters(params)
    assert (filters["actor"], filters["since"], filters["until"]) == (None, None, None)
