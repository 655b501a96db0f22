"""A year of a chamber's life (2025) for the annual-report figures, built through the services.

The world is written down as plain data first (MEMBERS, EVENTS, REQUESTS, DONATIONS …) and
then created from it, so the tests work out every expected figure from these lists with their
own few lines of Python, independently of the code under test. Rows dated 2024 and 2026, and
rows of `other_chamber`, are there to be left out.

Services stamp "now" on what they create (a request's raised-at, its closed-on); where the
year needs another date, the row is moved back afterwards with an UPDATE, as the history
would have it.
"""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from branches.services import branch_archive, branch_create
from chamber.annual.models import AnnualReport, Medium, ProposalBody, WorkRecordKind
from chamber.annual.services import annual_report_inputs_save, work_record_create
from chamber.models import Chamber, ChamberKind, ChamberStatus, EntryKind
from chamber.services import chamber_create
from charity.models import DonationEntry, DonationForm, DonorKind, ProgrammeKind
from charity.services import donation_entry_reverse, donation_record, donation_withdraw, programme_create
from evaluations.models import Scheme, SchemeKind
from evaluations.ratings import rating_record, rating_revoke
from events.models import EventKind, EventOutcome, EventStatus, MemberRequest, RequestCategory, RequestStatus
from events.services.events import event_create, event_set_status
from events.services.outcomes import outcome_set
from events.services.requests import request_create, request_mark_typical, request_move
from members.dues.services import dues_invoices_generate, dues_payment_record, dues_waive, fee_schedule_set
from members.models import (
    Body,
    DuesInvoice,
    Honour,
    Level,
    MembershipKind,
    MembershipStatus,
    PoliticalAffiliation,
    Post,
    Rank,
    RepresentativePost,
)
from members.officers import officer_appoint, term_create
from members.services import (
    annual_figures_set,
    contact_add,
    enterprise_create,
    membership_change_status,
    membership_create,
    person_create,
)
from tests.factories import make_uscc

YEAR = 2025
START = datetime.date(YEAR, 1, 1)
END = datetime.date(YEAR, 12, 31)
D = datetime.date

# --- Branches: (key, name, kind, parent key, archived at the end) --------------------------------
BRANCHES = [
    ("cable", "光缆分会", "industry", None, False),
    ("cable_sub", "光纤预制棒专委会", "committee", "cable", False),
    ("display", "显示分会", "industry", None, False),
    ("shanghai", "驻沪联络处", "out_of_town", None, False),
    ("party", "商会党支部", "party", None, False),
    ("old", "老年产业分会", "industry", None, True),
]

# --- Chambers the chamber supervises: (name, kind, dissolved) ------------------------------------
AFFILIATED = [("苏州市光纤商会", ChamberKind.INDUSTRY, False), ("苏州市安徽商会", ChamberKind.OUT_OF_TOWN, False),
              ("苏州市已撤销商会", ChamberKind.INDUSTRY, True)]

# --- People: key → (name, political affiliation) -------------------------------------------------
PEOPLE = {
    "wang": ("王建国", PoliticalAffiliation.CPC),
    "li": ("李卫东", PoliticalAffiliation.CPC_PROBATIONARY),
    "zhang": ("张海峰", PoliticalAffiliation.DEMOCRATIC_PARTY),
    "zhao": ("赵明华", ""),
    "qian": ("钱小兵", PoliticalAffiliation.MASSES),  # the individual member
}


@dataclass
class M:
    """One member as the year knew it. status: the status it ends with (applied, active,
    suspended, lapsed, left, withdrawn = an application that ended)."""

    key: str
    kind: str
    rank: str
    joined: datetime.date | None
    status: str = "active"
    left: datetime.date | None = None
    branches: tuple = ()
    industry: str = ""
    division: str = ""
    revenue: dict = field(default_factory=dict)
    person: str = ""


MEMBERS = [
    M("m1", "enterprise", "president", D(2010, 5, 1), branches=("cable_sub",), industry="C3831", division="320505",
      revenue={2025: Decimal("50000000")}),
    M("m2", "enterprise", "vice-president", D(2018, 3, 1), branches=("cable", "display"), industry="C3832",
      division="320505", revenue={2025: Decimal("20000000")}),
    M("m3", "enterprise", "member", D(2025, 2, 10), branches=("display",), industry="C3974", division="320506",
      revenue={2025: Decimal("19999999.99")}),
    M("m4", "enterprise", "member", D(2025, 7, 15), industry="I6531", division="320507"),
    M("m5", "enterprise", "council", D(2020, 1, 1), status="left", left=D(2025, 9, 30), branches=("shanghai",),
      industry="C3831", division="320505", revenue={2025: Decimal("60000000")}),
    M("m6", "enterprise", "member", D(2019, 6, 1), status="left", left=D(2026, 2, 1), branches=("cable",),
      industry="M7520", division="310101", revenue={2024: Decimal("30000000")}),
    M("m7", "enterprise", "member", D(2026, 1, 10), industry="C3976", division="320505"),
    M("m8", "enterprise", "member", None, status="applied", industry="C3831", division="320505"),
    M("m9", "individual", "member", D(2025, 11, 30), branches=("party",), person="qian"),
    M("m10", "group", "council", D(2016, 4, 1), status="suspended"),
    M("m11", "enterprise", "member", D(2024, 12, 31), status="left", left=D(2025, 1, 1), industry="C3831",
      division="320505"),
    M("m12", "enterprise", "member", D(2025, 12, 31), industry="F", division="320505"),
    M("m13", "enterprise", "member", D(2017, 8, 1), status="lapsed", branches=("old",), industry="C3831",
      division="320506"),
    M("m14", "enterprise", "member", None, status="withdrawn", left=D(2025, 5, 1), industry="C3831",
      division="320505"),
    # An application entered with a join date, withdrawn in the year: never a member, a
    # new member or a leaver, though its dates say joined in March and left in August.
    M("m16", "enterprise", "member", D(2025, 3, 1), status="withdrawn", left=D(2025, 8, 1), industry="C3831",
      division="320505"),
    # Left on the last day of the year: no longer a member on 31 December.
    M("m15", "enterprise", "member", D(2021, 3, 1), status="left", left=D(2025, 12, 31), industry="C3833",
      division="320508"),
]
# Contacts: (person, member); officers and honours are people too.
CONTACTS = [("wang", "m1"), ("li", "m2"), ("zhang", "m3"), ("zhao", "m4")]

# --- Representative posts: (person, body, level, from year, until year) -----------------------
POSTS = [
    ("wang", Body.PEOPLES_CONGRESS, Level.CITY, 2022, 2027),
    ("wang", Body.CPPCC, Level.COUNTY, 2017, 2024),
    ("li", Body.CPPCC, Level.PROVINCIAL, 2025, None),
    ("li", Body.PEOPLES_CONGRESS, Level.CITY, None, None),
    ("zhang", Body.PEOPLES_CONGRESS, Level.NATIONAL, 2026, None),
    ("zhao", Body.PARTY_CONGRESS, Level.CITY, None, 2025),
]
# Honours of people: (person, name, level, year)
HONOURS = [("wang", "江苏省劳动模范", Level.PROVINCIAL, 2025), ("li", "苏州市优秀民营企业家", Level.CITY, 2025),
           ("zhang", "全国优秀建设者", Level.NATIONAL, 2024)]

# --- Terms: (ordinal, starts, ends); officers: (term, person, post, member, branch, from, until)
TERMS = [(7, D(2018, 1, 1), D(2022, 12, 31)), (8, D(2023, 1, 1), D(2027, 12, 31))]
OFFICERS = [
    (7, "zhang", Post.PRESIDENT, "m3", None, None, None),
    (8, "wang", Post.PRESIDENT, "m1", None, None, None),
    (8, "li", Post.VICE_PRESIDENT, "m2", "cable", None, None),
    (8, "zhang", Post.SECRETARY_GENERAL, None, None, D(2026, 1, 1), None),
    (8, "zhao", Post.COUNCIL_MEMBER, "m4", None, None, D(2025, 6, 30)),
]

# --- Events: (title, kind, day, status, outcome or None) ---------------------------------------
EVENTS = [
    ("财税培训班", EventKind.TRAINING, D(2025, 3, 10), "held", {"participants": 60, "people_trained": 55}),
    ("数字化研讨会", EventKind.SEMINAR, D(2025, 4, 10), "held", None),
    ("企业高管研修班", EventKind.MANAGER_TRAINING, D(2025, 5, 10), "held", None),
    ("政企恳谈会", EventKind.GOVERNMENT_DIALOGUE, D(2025, 6, 1), "held",
     {"participants": 40, "summary": "协调解决三家企业用地问题"}),
    ("营商环境座谈会", EventKind.GOVERNMENT_DIALOGUE, D(2025, 8, 1), "held", None),
    ("德国考察", EventKind.STUDY_TOUR_ABROAD, D(2025, 9, 1), "held",
     {"deals_signed": 2, "deals_amount": Decimal("3000000.00"), "scope": "abroad"}),
    ("深圳考察", EventKind.STUDY_TOUR_DOMESTIC, D(2025, 9, 15), "held", None),
    ("招商推介会", EventKind.INVESTMENT_PROMOTION, D(2025, 10, 10), "held",
     {"deals_signed": 3, "deals_amount": Decimal("12500000.50"), "participants": 200}),
    ("光电产品展销会", EventKind.OTHER, D(2025, 10, 20), "held",
     {"deals_signed": 1, "deals_amount": Decimal("800000.00")}),
    # Recorded the deals' amount but not how many (entered before the outcome form asked for
    # both, or imported): still a market activity (item 11).
    ("电子元器件对接会", EventKind.OTHER, D(2025, 10, 25), "held", {"deals_amount": Decimal("450000.00")}),
    ("爱心助学活动", EventKind.CHARITY_ACTIVITY, D(2025, 11, 1), "held", None),
    ("八届三次理事会", EventKind.COUNCIL, D(2025, 12, 1), "held", {"participants": 30}),
    ("取消的培训", EventKind.TRAINING, D(2025, 7, 1), "cancelled", None),
    ("草稿培训", EventKind.TRAINING, D(2025, 7, 2), "draft", None),
    ("去年的培训", EventKind.TRAINING, D(2024, 11, 1), "held", {"people_trained": 20, "participants": 20}),
    ("明年的培训", EventKind.TRAINING, D(2026, 1, 20), "held", {"people_trained": 25, "participants": 25}),
]

# --- Requests: (title, member, category, raised, end status, closed on, typical summary, rating)
REQUESTS = [
    ("贷款周转困难", "m1", RequestCategory.FINANCING, D(2025, 2, 1), "resolved", D(2025, 3, 1), "协调银行续贷", 5),
    ("合同纠纷", "m2", RequestCategory.LEGAL, D(2025, 4, 1), "resolved", D(2025, 5, 1), "", 4),
    # A typical case, but not a problem solved: not among item 10's cases.
    ("厂房用地", "m3", RequestCategory.LAND, D(2025, 6, 1), "unresolvable", D(2025, 7, 1), "用地指标不足，已向上反映",
     None),
    ("招工难", "m4", RequestCategory.LABOUR, D(2025, 9, 1), "in_progress", None, "", None),
    ("税费减免", "m1", RequestCategory.TAX, D(2024, 12, 1), "resolved", D(2025, 1, 10), "落实减税政策", 3),
    ("出口许可", "m2", RequestCategory.PERMITS, D(2025, 11, 1), "resolved", D(2026, 1, 5), "", None),
    ("去年的诉求", "m1", RequestCategory.OTHER, D(2024, 5, 1), "resolved", D(2024, 6, 1), "", None),
]

# --- Charity: programmes (key, name, starts, ends); donations ------------------------------------
PROGRAMMES = [("edu", "光彩助学", D(2025, 1, 1), None), ("relief", "抗洪救灾", D(2023, 1, 1), D(2024, 12, 31)),
              ("elder", "敬老助老", D(2026, 1, 1), None), ("old", "旧项目", D(2020, 1, 1), D(2021, 12, 31))]


@dataclass
class Gift:
    programme: str
    donor: str  # a member key, or an outside donor's name
    form: str
    amount: Decimal
    received: Decimal
    pledged: datetime.date
    anonymous: bool = False
    reversed: bool = False  # the receipt was reversed afterwards (nothing received in the end)
    withdrawn: Decimal = Decimal("0")  # withdrawn from the pledge (after any reversal)

    @property
    def kept(self):
        """What was received in the end."""
        return Decimal("0") if self.reversed else self.received

    @property
    def stands(self):
        """Still a donation: something received, or some of the pledge not withdrawn."""
        return self.kept > 0 or self.amount > self.withdrawn


DONATIONS = [
    Gift("edu", "m1", "money", Decimal("100000"), Decimal("100000"), D(2025, 3, 1)),
    Gift("edu", "张三", "money", Decimal("50000"), Decimal("20000"), D(2025, 4, 1)),
    Gift("edu", "m2", "goods", Decimal("30000"), Decimal("30000"), D(2025, 5, 1)),
    Gift("edu", "王善人", "money", Decimal("80000"), Decimal("80000"), D(2025, 6, 1), anonymous=True),
    Gift("relief", "m1", "money", Decimal("10000"), Decimal("10000"), D(2025, 7, 1)),
    Gift("edu", "李四", "money", Decimal("5000"), Decimal("0"), D(2025, 8, 1)),
    Gift("relief", "m2", "money", Decimal("999"), Decimal("999"), D(2024, 6, 1)),
    # A pledge withdrawn in full: not a donation.
    Gift("edu", "赵六", "money", Decimal("20000"), Decimal("0"), D(2025, 9, 1), withdrawn=Decimal("20000")),
    # A gift to a programme that ended years ago, its receipt reversed and the pledge then
    # withdrawn: not a donation, and the old programme is not one of the year's.
    Gift("old", "m2", "money", Decimal("3000"), Decimal("3000"), D(2025, 10, 1), reversed=True,
         withdrawn=Decimal("3000")),
    # A receipt reversed (a bounced cheque), the pledge standing: still a donation, 0 received.
    Gift("edu", "孙七", "money", Decimal("6000"), Decimal("6000"), D(2025, 10, 2), reversed=True),
]

# --- Dues: rate per rank; payments (member, paid) and waivers (member) on the 2025 invoices --------
RATES = {"president": Decimal("5000"), "vice-president": Decimal("3000"), "council": Decimal("1000"),
         "member": Decimal("500")}
PAYMENTS = {"m1": Decimal("5000"), "m2": Decimal("1000")}
WAIVED = ("m3",)

# --- Work records: (kind, day, title, extra fields) ---------------------------------------------
WORK = [
    (WorkRecordKind.HONOUR, D(2025, 5, 1), "全国“五好”工商联", {"level": Level.NATIONAL}),
    (WorkRecordKind.HONOUR, D(2025, 6, 1), "江苏省“四好”商会", {"level": Level.PROVINCIAL}),
    (WorkRecordKind.HONOUR, D(2025, 7, 1), "苏州市先进商会", {"level": Level.CITY}),
    (WorkRecordKind.HONOUR, D(2024, 6, 1), "去年的省级荣誉", {"level": Level.PROVINCIAL}),
    (WorkRecordKind.RESEARCH_REPORT, D(2025, 3, 1), "光电产业链调研", {"achieved": True, "outcome": "获市领导批示"}),
    (WorkRecordKind.RESEARCH_REPORT, D(2025, 9, 1), "中小企业融资调研", {}),
    (WorkRecordKind.RESEARCH_REPORT, D(2026, 1, 5), "明年的调研", {}),
    (WorkRecordKind.PROPOSAL, D(2025, 1, 20), "关于优化营商环境的建议",
     {"body": ProposalBody.PEOPLES_CONGRESS, "achieved": True, "outcome": "被采纳"}),
    (WorkRecordKind.PROPOSAL, D(2025, 1, 21), "关于人才公寓的提案", {"body": ProposalBody.CPPCC}),
    (WorkRecordKind.PROPOSAL, D(2025, 1, 22), "关于产业基金的提案", {"body": ProposalBody.CPPCC, "achieved": True}),
    (WorkRecordKind.PUBLICITY, D(2025, 4, 2), "商会助企纪实", {"medium": Medium.TV}),
    (WorkRecordKind.PUBLICITY, D(2025, 4, 3), "光电商会年会", {"medium": Medium.NEWSPAPER}),
    (WorkRecordKind.PUBLICITY, D(2025, 8, 3), "光彩助学见闻", {"medium": Medium.NEWSPAPER}),
    (WorkRecordKind.INVESTMENT, D(2025, 10, 12), "光纤产业园项目", {"amount": Decimal("10000000.00"), "achieved": True}),
    (WorkRecordKind.INVESTMENT, D(2025, 11, 12), "显示面板项目", {}),
]
REPORT = {"summary": "2025年，商会围绕服务会员……", "above_size_enterprises": 40,
          "none_confirmed": [WorkRecordKind.ANALYSIS_REPORT]}


def at(day, hour=9):
    """An aware datetime on `day` at `hour` in the chamber's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@dataclass
class World:
    chamber: Chamber
    report: AnnualReport
    members: dict
    branches: dict
    people: dict
    ratings: list = field(default_factory=list)


def _branches(chamber):
    created = {}
    for key, name, kind, parent, _archived in BRANCHES:
        created[key] = branch_create(chamber=chamber, actor=None, name=name, kind=kind,
                                     parent=created[parent] if parent else None)
    return created


def _members(chamber, branches, people):
    ranks = {r.code: r for r in Rank.objects.filter(chamber=chamber)}
    created = {}
    for n, spec in enumerate(MEMBERS):
        holder = {}
        if spec.kind == MembershipKind.INDIVIDUAL:
            holder["person"] = people[spec.person]
        else:
            holder["enterprise"] = enterprise_create(
                chamber=chamber, actor=None, name="苏州{}光电有限公司".format(spec.key), uscc=make_uscc(500 + n),
                industry_code=spec.industry, division_code=spec.division)
            for year, revenue in spec.revenue.items():
                annual_figures_set(enterprise=holder["enterprise"], actor=None, year=year, revenue=revenue)
        applying = spec.status in ("applied", "withdrawn")
        created[spec.key] = membership_create(
            chamber=chamber, actor=None, kind=spec.kind, rank=ranks[spec.rank],
            branches=[branches[b] for b in spec.branches],
            status=MembershipStatus.APPLIED if applying else MembershipStatus.ACTIVE, joined_on=spec.joined, **holder)
    return created


def _statuses(members):
    """The year's changes of status, after the dues were invoiced to everyone then active."""
    for spec in MEMBERS:
        membership = members[spec.key]
        if spec.status in ("left", "withdrawn"):
            members[spec.key] = membership_change_status(membership=membership, actor=None,
                                                         status=MembershipStatus.LEFT, reason="退会",
                                                         effective_on=spec.left)
        elif spec.status in ("suspended", "lapsed"):
            members[spec.key] = membership_change_status(membership=membership, actor=None, status=spec.status,
                                                         reason="暂停")


def _people_and_officers(chamber, people, members, branches):
    for person, member in CONTACTS:
        contact_add(enterprise=members[member].enterprise, person=people[person], actor=None)
    for person, body, level, since, until in POSTS:
        RepresentativePost.objects.create(chamber=chamber, person=people[person], body=body, level=level,
                                          term="第十届", started_year=since, ended_year=until)
    for person, name, level, year in HONOURS:
        Honour.objects.create(chamber=chamber, person=people[person], name=name, level=level, year=year)
    terms = {ordinal: term_create(chamber=chamber, actor=None, ordinal=ordinal, starts_on=starts, ends_on=ends,
                                  name="第{}届理事会".format(ordinal))
             for ordinal, starts, ends in TERMS}
    for ordinal, person, post, member, branch, since, until in OFFICERS:
        officer_appoint(term=terms[ordinal], actor=None, person=people[person], post=post,
                        enterprise=members[member].enterprise if member else None,
                        branch=branches[branch] if branch else None, starts_on=since, ends_on=until)


def make_event(chamber, title, kind, day, status, outcome=None):
    event = event_create(chamber=chamber, actor=None, title=title, kind=kind, starts_at=at(day), ends_at=at(day, 17))
    if status == "cancelled":
        return event_set_status(event=event, actor=None, status=EventStatus.CANCELLED, reason="天气原因")
    if status == "draft":
        return event
    event_set_status(event=event, actor=None, status=EventStatus.OPEN)
    event = event_set_status(event=event, actor=None, status=EventStatus.HELD)
    if outcome:
        outcome = dict(outcome)
        # The outcome form now refuses an amount without a number of deals; older rows have one.
        amount_only = outcome.get("deals_amount") if outcome.get("deals_signed") is None else None
        if amount_only is not None:
            del outcome["deals_amount"]
        outcome_set(event=event, actor=None, **outcome)
        if amount_only is not None:
            EventOutcome.objects.filter(event=event).update(deals_amount=amount_only)
    return event


def _requests(chamber, members):
    for title, member, category, raised, status, closed, typical, rating in REQUESTS:
        request = request_create(chamber=chamber, actor=None, membership=members[member], category=category,
                                 title=title, description=title + "，请商会协调。")
        if status == "in_progress":
            request_move(request=request, actor=None, status=RequestStatus.IN_PROGRESS, note="已受理")
        elif status in ("resolved", "unresolvable"):
            request_move(request=request, actor=None, status=status, note="已办结")
            if typical:
                request_mark_typical(request=request, actor=None, is_typical=True, summary=typical)
        MemberRequest.objects.filter(pk=request.pk).update(created_at=at(raised), closed_on=closed, rating=rating)


def _charity(chamber, members):
    programmes = {key: programme_create(chamber=chamber, actor=None, name=name, kind=ProgrammeKind.EDUCATION,
                                        starts_on=starts, ends_on=ends)
                  for key, name, starts, ends in PROGRAMMES}
    for gift in DONATIONS:
        donor = {"donor_kind": DonorKind.MEMBER, "membership": members[gift.donor]} if gift.donor in members else {
            "donor_kind": DonorKind.OUTSIDE, "donor_name": gift.donor}
        received = {"amount": gift.received, "on": gift.pledged, "method": "bank_transfer"} if gift.received else None
        donation = donation_record(programme=programmes[gift.programme], actor=None, form=gift.form,
                                   amount=gift.amount, pledged_on=gift.pledged, anonymous=gift.anonymous,
                                   received=received, goods_description="图书" if gift.form == DonationForm.GOODS else "",
                                   **donor)
        if gift.reversed:
            for entry in DonationEntry.objects.filter(chamber=chamber, donation=donation, kind=EntryKind.SETTLEMENT):
                donation_entry_reverse(entry=entry, actor=None, reason="退票")
            donation.refresh_from_db()
        if gift.withdrawn:
            donation_withdraw(donation=donation, actor=None, amount=gift.withdrawn, reason="认捐撤回")


def _dues(chamber, members):
    ranks = {r.code: r for r in Rank.objects.filter(chamber=chamber)}
    for year in (2024, YEAR):
        fee_schedule_set(chamber=chamber, actor=None, year=year, due_on=D(year, 3, 31), grace_days=90,
                         rates={ranks[code]: amount for code, amount in RATES.items()})
        dues_invoices_generate(chamber=chamber, actor=None, year=year, issued_on=D(year, 1, 5))
    invoices = {i.membership_id: i for i in DuesInvoice.objects.filter(chamber=chamber, year=YEAR)}
    for key, amount in PAYMENTS.items():
        dues_payment_record(invoice=invoices[members[key].pk], actor=None, amount=amount, paid_on=D(YEAR, 3, 1),
                            method="bank_transfer")
    for key in WAIVED:
        invoice = invoices[members[key].pk]
        dues_waive(invoice=invoice, actor=None, amount=invoice.amount, reason="困难企业减免")


def _ratings(chamber, federation):
    """The chamber's ratings in its federation's register: one held through 2025, one that
    expired before it, one that expired during it, one awarded after it (which supersedes
    the first), one revoked (never held)."""
    with scopes_disabled():
        Chamber.objects.filter(pk=chamber.pk).update(supervising_federation=federation)
        chamber.refresh_from_db()
    with scope(chamber=federation):
        star = Scheme.objects.create(chamber=federation, kind=SchemeKind.STAR_RATING, name="星级商会评定")
        good = Scheme.objects.create(chamber=federation, kind=SchemeKind.FOUR_GOOD, name="四好商会")
        grade = Scheme.objects.create(chamber=federation, kind=SchemeKind.SOCIAL_ORG_GRADE, name="社会组织等级评估")
        other = Scheme.objects.create(chamber=federation, kind=SchemeKind.OTHER, name="诚信商会")
        revoked = rating_record(chamber=federation, actor=None, scheme=other, level=1, grade_label="诚信商会",
                                awarded_on=D(2025, 2, 1), valid_until=D(2027, 1, 31), subject_chamber=chamber)
        rating_revoke(rating=revoked, actor=None, reason="材料不实")
        return [revoked,
            rating_record(chamber=federation, actor=None, scheme=star, level=4, grade_label="四星级",
                          awarded_on=D(2024, 6, 1), valid_until=D(2027, 5, 31), subject_chamber=chamber),
            rating_record(chamber=federation, actor=None, scheme=good, level=1, grade_label="四好商会",
                          awarded_on=D(2022, 1, 1), valid_until=D(2024, 12, 31), subject_chamber=chamber),
            rating_record(chamber=federation, actor=None, scheme=grade, level=4, grade_label="4A",
                          awarded_on=D(2020, 7, 1), valid_until=D(2025, 6, 30), subject_chamber=chamber),
            rating_record(chamber=federation, actor=None, scheme=star, level=5, grade_label="五星级",
                          awarded_on=D(2026, 3, 1), valid_until=D(2029, 2, 28), subject_chamber=chamber),
        ]


def _elsewhere(other_chamber):
    """Rows of another chamber in 2025 that must never count."""
    with scope(chamber=other_chamber):
        rank = Rank.objects.get(chamber=other_chamber, code="member")
        enterprise = enterprise_create(chamber=other_chamber, actor=None, name="杭州别家有限公司",
                                       uscc=make_uscc(990001, "330100"), industry_code="H6210")
        annual_figures_set(enterprise=enterprise, actor=None, year=YEAR, revenue=Decimal("90000000"))
        membership = membership_create(chamber=other_chamber, actor=None, kind=MembershipKind.ENTERPRISE,
                                       enterprise=enterprise, rank=rank, status=MembershipStatus.ACTIVE,
                                       joined_on=D(YEAR, 6, 1))
        person_create(chamber=other_chamber, actor=None, name="别家党员", political_affiliation=PoliticalAffiliation.CPC)
        make_event(other_chamber, "别家培训", EventKind.TRAINING, D(YEAR, 5, 5), "held",
                   {"participants": 99, "people_trained": 99})
        request_create(chamber=other_chamber, actor=None, membership=membership, category=RequestCategory.TAX,
                       title="别家诉求", description="别家的问题")
        programme = programme_create(chamber=other_chamber, actor=None, name="别家公益", kind=ProgrammeKind.OTHER,
                                     starts_on=D(YEAR, 1, 1))
        donation_record(programme=programme, actor=None, donor_kind=DonorKind.OUTSIDE, donor_name="别家捐赠人",
                        form=DonationForm.MONEY, amount=Decimal("777"), pledged_on=D(YEAR, 2, 2),
                        received={"amount": Decimal("777"), "on": D(YEAR, 2, 2), "method": "cash"})
        work_record_create(chamber=other_chamber, actor=None, kind=WorkRecordKind.HONOUR, occurred_on=D(YEAR, 2, 2),
                           title="别家荣誉", level=Level.NATIONAL)


def build_world(chamber, other_chamber, federation):
    """Create the whole year in `chamber` (and the rows that must not count), return a World."""
    ratings = _ratings(chamber, federation)
    with scopes_disabled():
        for n, (name, kind, dissolved) in enumerate(AFFILIATED):
            chamber_create(actor=None, name=name, slug="affiliated-{}".format(n), kind=kind,
                           supervising_federation=chamber,
                           status=ChamberStatus.DISSOLVED if dissolved else ChamberStatus.ACTIVE)
    with scope(chamber=chamber):
        branches = _branches(chamber)
        people = {key: person_create(chamber=chamber, actor=None, name=name, political_affiliation=affiliation)
                  for key, (name, affiliation) in PEOPLE.items()}
        members = _members(chamber, branches, people)
        _dues(chamber, members)
        _statuses(members)
        for key, _name, _kind, _parent, archived in BRANCHES:
            if archived:
                branch_archive(branch=branches[key], actor=None, reason="合并")
        _people_and_officers(chamber, people, members, branches)
        for title, kind, day, status, outcome in EVENTS:
            make_event(chamber, title, kind, day, status, outcome)
        _requests(chamber, members)
        _charity(chamber, members)
        for kind, day, title, extra in WORK:
            work_record_create(chamber=chamber, actor=None, kind=kind, occurred_on=day, title=title, **extra)
        report = annual_report_inputs_save(chamber=chamber, year=YEAR, actor=None, **REPORT)
    _elsewhere(other_chamber)
    return World(chamber=chamber, report=report, members=members, branches=branches, people=people, ratings=ratings)


@pytest.fixture
def world(chamber, other_chamber, federation):
    return build_world(chamber, other_chamber, federation)
