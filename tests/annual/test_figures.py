"""The annual report's figures equal figures worked out here, independently, from the lists
the fixture world was built from (tests/annual/figures_fixtures.py): each expected number is
a few lines of plain Python over MEMBERS, EVENTS, REQUESTS, DONATIONS … never a literal
copied from the output. Then the "not recorded" rules, `as_of`, determinism and cost."""
import datetime
import json
from collections import Counter
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django_scopes import scope, scopes_disabled

from chamber.annual.figures import annual_report_figures
from chamber.annual.figures_members import ABOVE_SIZE_REVENUE
from chamber.annual.models import Medium, ProposalBody, WorkRecordKind
from chamber.annual.services import annual_report_inputs_save
from chamber.models import Chamber, ChamberKind
from chamber.validators import INDUSTRY_SECTIONS
from evaluations.models import Scheme, SchemeKind
from evaluations.ratings import rating_record, rating_revoke
from charity.models import DonationForm, DonorKind, ProgrammeKind
from charity.services import donation_record, programme_create
from events.models import EventKind, MemberRequest, RequestCategory, RequestStatus
from events.services.requests import request_create, request_mark_typical, request_move
from members.models import (
    POST_ORDER,
    Body,
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
from members.services import annual_figures_set, contact_add, enterprise_create, membership_create, person_create
from tests.factories import make_uscc

from .figures_fixtures import (
    AFFILIATED,
    BRANCHES,
    DONATIONS,
    END,
    EVENTS,
    HONOURS,
    MEMBERS,
    OFFICERS,
    PAYMENTS,
    PEOPLE,
    POSTS,
    PROGRAMMES,
    RATES,
    REPORT,
    REQUESTS,
    START,
    WAIVED,
    WORK,
    YEAR,
    make_event,
    world,  # noqa: F401  (the fixture)
)

CENT = Decimal("0.01")
WORK_KINDS = WorkRecordKind.values


def figures_of(chamber, year=YEAR, **kwargs):
    with scope(chamber=chamber):
        return annual_report_figures(chamber=chamber, year=year, **kwargs)


def indicator(figures, key):
    return next(i for i in figures["indicators"] if i["key"] == key)


def values(figures, key):
    """{figure key: value} of one indicator."""
    return {f["key"]: f["value"] for f in indicator(figures, key)["figures"]}


def dumps(figures):
    return json.dumps(figures, sort_keys=True, default=str)


# --- Expected figures, worked out from the fixture lists --------------------------------------

def is_member(spec, as_of):
    if spec.status in ("applied", "withdrawn") or spec.joined is None or spec.joined > as_of:
        return False
    return spec.left is None or spec.left > as_of


def members_on(as_of):
    return [m for m in MEMBERS if is_member(m, as_of)]


def joined_between(first, last):
    return [m for m in MEMBERS if m.status not in ("applied", "withdrawn") and m.joined and first <= m.joined <= last]


def left_between(first, last):
    return [m for m in MEMBERS if m.status != "withdrawn" and m.joined and m.left and first <= m.left <= last]


def top_branch(key):
    parents = {b[0]: b[3] for b in BRANCHES}
    while parents[key]:
        key = parents[key]
    return key


def expected_members(as_of, rank_order, paths):
    """The `members` section on `as_of`; `rank_order`: [(code, name)] highest first, `paths`:
    {branch key: tree path} (top-level branches are listed in tree order, as the tree page does)."""
    current = members_on(as_of)
    enterprises = [m for m in current if m.kind != MembershipKind.INDIVIDUAL]
    kinds = Counter(m.kind for m in current)
    ranks = Counter(m.rank for m in current)
    by_branch = []
    for key, name, _kind, parent, archived in sorted(BRANCHES, key=lambda b: paths[b[0]]):
        if parent is None:
            n = sum(1 for m in current if key in {top_branch(b) for b in m.branches})
            if not archived or n:
                by_branch.append({"label": name, "count": n})
    unplaced = sum(1 for m in current if not m.branches)
    if unplaced:
        by_branch.append({"label": gettext("Not in any branch"), "count": unplaced})
    sections = Counter(m.industry[0] for m in enterprises if m.industry)
    by_industry = [{"label": "{} {}".format(s, INDUSTRY_SECTIONS[s][2]), "count": n}
                   for s, n in sorted(sections.items())]
    if any(not m.industry for m in enterprises):
        by_industry.append({"label": gettext("Industry not recorded"),
                            "count": sum(1 for m in enterprises if not m.industry)})
    divisions = sorted(Counter(m.division for m in enterprises if m.division).items(), key=lambda kv: (-kv[1], kv[0]))
    by_division = [{"label": code, "count": n} for code, n in divisions[:15]]
    if any(not m.division for m in enterprises):
        by_division.append({"label": gettext("Division not recorded"),
                            "count": sum(1 for m in enterprises if not m.division)})
    monthly = []
    for month in range(1, 13):
        first = datetime.date(YEAR, month, 1)
        last = min((datetime.date(YEAR + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)), as_of)
        monthly.append({"month": month, "joined": len(joined_between(first, last)),
                        "left": len(left_between(first, last))})
    return {
        "total": len(current), "new": len(joined_between(START, as_of)), "left": len(left_between(START, as_of)),
        "by_kind": [{"label": str(label), "count": kinds[value]} for value, label in MembershipKind.choices],
        "by_rank": [{"label": name, "count": ranks[code]} for code, name in rank_order if ranks[code]],
        "by_branch": by_branch, "by_industry": by_industry, "by_division": by_division, "monthly": monthly,
    }


def paths(world):
    return {key: branch.path for key, branch in world.branches.items()}


def optional_sum(numbers):
    """Sum of the recorded figures; None when none was recorded."""
    recorded = [n for n in numbers if n is not None]
    return sum(recorded) if recorded else None


def held_in_year(kinds=None):
    return [e for e in EVENTS if e[3] == "held" and e[2].year == YEAR and (kinds is None or e[1] in kinds)]


def outcome_value(event, key):
    return (event[4] or {}).get(key)


def work_count(kind, confirmed=()):
    n = sum(1 for w in WORK if w[0] == kind and START <= w[1] <= END)
    return n or (0 if kind in confirmed else None)


def work_in_year(kind):
    return [w for w in WORK if w[0] == kind and START <= w[1] <= END]


# --- The world's figures, item by item ---------------------------------------------------------

def test_members_section_matches_the_roster(world):
    figures = figures_of(world.chamber, report=world.report)
    with scope(chamber=world.chamber):
        rank_order = list(Rank.objects.filter(chamber=world.chamber).order_by("order").values_list("code", "name"))
    expected = expected_members(END, rank_order, paths(world))
    assert figures["members"] == expected
    assert values(figures, "members") == {"new": expected["new"], "total": expected["total"], "left": expected["left"]}
    # The monthly series adds up to the year's joins and leaves.
    assert sum(m["joined"] for m in figures["members"]["monthly"]) == expected["new"]
    assert sum(m["left"] for m in figures["members"]["monthly"]) == expected["left"]
    # The other chamber's member who joined in 2025 is not among them (the lists hold only ours).


def test_organisations_and_party(world):
    figures = figures_of(world.chamber, report=world.report)
    live = [b for b in BRANCHES if not b[4]]
    current = [m for m in members_on(END) if m.kind != MembershipKind.INDIVIDUAL]
    sized = [m for m in current if YEAR in m.revenue]
    above = sum(1 for m in sized if m.revenue[YEAR] >= ABOVE_SIZE_REVENUE)
    trades = {m.industry[1:3] for m in current if len(m.industry) >= 3}
    assert values(figures, "organisations") == {
        "industry": sum(1 for b in live if b[2] == "industry")
        + sum(1 for a in AFFILIATED if a[1] == ChamberKind.INDUSTRY and not a[2]),
        "out_of_town": sum(1 for b in live if b[2] == "out_of_town")
        + sum(1 for a in AFFILIATED if a[1] == ChamberKind.OUT_OF_TOWN and not a[2]),
        "trades": len(trades),
        "above_size_members": above,
        "coverage": (Decimal(above * 100) / REPORT["above_size_enterprises"]).quantize(Decimal("0.1")),
    }
    party = (PoliticalAffiliation.CPC, PoliticalAffiliation.CPC_PROBATIONARY)
    assert values(figures, "party") == {
        "party_organisations": sum(1 for b in live if b[2] == "party"),
        "party_members": sum(1 for _name, affiliation in PEOPLE.values() if affiliation in party),
    }


def test_representatives_and_their_honours(world):
    figures = figures_of(world.chamber, report=world.report)
    in_year = [p for p in POSTS if (p[3] is None or p[3] <= YEAR) and (p[4] is None or p[4] >= YEAR)]
    seats = {}
    for person, body, level, _since, _until in in_year:
        seats.setdefault("{}_{}".format(body, level), set()).add(person)
    expected = {"people": len({p[0] for p in in_year}), **{key: len(people) for key, people in seats.items()}}
    assert values(figures, "representatives") == expected
    keys = [f["key"] for f in indicator(figures, "representatives")["figures"]]
    # Bodies in their order, levels within each: deputies before CPPCC members, city before county.
    order = ["{}_{}".format(b, lv) for b in Body.values for lv in Level.values]
    assert keys[1:] == sorted(keys[1:], key=order.index)

    honours = sorted((PEOPLE[p][0], name, level) for p, name, level, year in HONOURS if year == YEAR)
    assert values(figures, "representative_honours") == {"count": len(honours)}
    assert indicator(figures, "representative_honours")["items"] == [
        {"title": "{} · {}".format(person, name), "detail": str(Level(level).label)} for person, name, level in honours]


def test_officers_of_the_term_in_force(world):
    figures = figures_of(world.chamber, report=world.report)
    assert figures["officers"]["term"] == {"name": "第8届理事会", "starts_on": datetime.date(2023, 1, 1),
                                           "ends_on": datetime.date(2027, 12, 31)}
    serving = [o for o in OFFICERS if o[0] == 8 and (o[5] is None or o[5] <= END) and (o[6] is None or o[6] >= END)]
    serving.sort(key=lambda o: (POST_ORDER[o[2]], PEOPLE[o[1]][0]))
    names = {b[0]: b[1] for b in BRANCHES}
    assert figures["officers"]["rows"] == [
        {"post": str(Post(post).label), "name": PEOPLE[person][0],
         "enterprise": world.members[member].enterprise.name if member else "",
         "branch": names[branch] if branch else ""}
        for _term, person, post, member, branch, _since, _until in serving]


def test_events_and_the_items_drawn_from_them(world):
    figures = figures_of(world.chamber, report=world.report)
    held = held_in_year()
    kinds = [k for k in EventKind.values if any(e[1] == k for e in held)]
    rows = []
    for kind in kinds:
        events = [e for e in held if e[1] == kind]
        rows.append({"label": str(EventKind(kind).label), "events": len(events),
                     **{key: optional_sum(outcome_value(e, key) for e in events)
                        for key in ("participants", "people_trained", "deals_signed", "deals_amount")}})
    assert figures["events"]["rows"] == rows
    assert figures["events"]["total"] == {
        "events": len(held),
        **{key: optional_sum(outcome_value(e, key) for e in held)
           for key in ("participants", "people_trained", "deals_signed", "deals_amount")}}

    manager = held_in_year({EventKind.MANAGER_TRAINING})
    assert values(figures, "manager_training") == {
        "classes": len(manager), "people": optional_sum(outcome_value(e, "people_trained") for e in manager)}
    assert values(figures, "manager_training")["people"] is None  # held, never recorded: not 0
    training = held_in_year({EventKind.TRAINING, EventKind.SEMINAR})
    assert values(figures, "training") == {
        "classes": len(training), "people": optional_sum(outcome_value(e, "people_trained") for e in training)}

    dialogues = held_in_year({EventKind.GOVERNMENT_DIALOGUE})
    assert values(figures, "dialogues") == {
        "events": len(dialogues), "participants": optional_sum(outcome_value(e, "participants") for e in dialogues)}
    assert indicator(figures, "dialogues")["items"] == [
        {"title": e[0], "detail": outcome_value(e, "summary") or ""} for e in dialogues]

    def is_market(e):
        if e[1] == EventKind.INVESTMENT_PROMOTION:
            return False
        return e[1] in (EventKind.STUDY_TOUR_DOMESTIC, EventKind.STUDY_TOUR_ABROAD) or \
            outcome_value(e, "deals_signed") is not None or outcome_value(e, "deals_amount") is not None

    def scope_of(e):
        if e[4]:
            return e[4].get("scope", "domestic")
        return "abroad" if e[1] == EventKind.STUDY_TOUR_ABROAD else "domestic"

    market = {}
    for where in ("domestic", "abroad"):
        events = [e for e in held if is_market(e) and scope_of(e) == where]
        market[where + "_events"] = len(events)
        market[where + "_deals"] = optional_sum(outcome_value(e, "deals_signed") for e in events)
        market[where + "_amount"] = optional_sum(outcome_value(e, "deals_amount") for e in events)
    assert values(figures, "markets") == market
    # Counting every outcome's scope would make the council meeting's head count (scope
    # domestic by default) and the investment promotion market activities.
    assert market["domestic_events"] < sum(1 for e in held if scope_of(e) == "domestic" and e[4])
    # An event that recorded only the deals' amount is a market activity too.
    assert any(is_market(e) and outcome_value(e, "deals_signed") is None and outcome_value(e, "deals_amount")
               for e in held)

    investment = held_in_year({EventKind.INVESTMENT_PROMOTION})
    projects = work_in_year(WorkRecordKind.INVESTMENT)
    assert values(figures, "investment") == {
        "events": len(investment), "deals": optional_sum(outcome_value(e, "deals_signed") for e in investment),
        "amount": optional_sum(outcome_value(e, "deals_amount") for e in investment),
        "projects": len(projects), "projects_amount": optional_sum(w[3].get("amount") for w in projects)}


def test_requests(world):
    figures = figures_of(world.chamber, report=world.report)
    raised = [r for r in REQUESTS if r[3].year == YEAR]
    closed = [r for r in REQUESTS if r[5] and r[5].year == YEAR]
    resolved = [r for r in closed if r[4] == "resolved"]
    ratings = [r[7] for r in closed if r[7] is not None]
    # Typical cases of problems solved: a typical case closed as unresolvable is not one.
    typical = sorted((r for r in resolved if r[6]), key=lambda r: r[5])
    assert any(r[6] and r[4] == "unresolvable" for r in closed)
    categories = [c for c in RequestCategory.values
                  if any(r[2] == c for r in raised) or any(r[2] == c for r in resolved)]
    assert figures["requests"] == {
        "raised": len(raised), "resolved": len(resolved),
        "unresolvable": sum(1 for r in closed if r[4] == "unresolvable"),
        "open": sum(1 for r in raised if r[4] == "in_progress"),
        "average_rating": round(sum(ratings) / len(ratings), 1),
        "by_category": [{"label": str(RequestCategory(c).label), "raised": sum(1 for r in raised if r[2] == c),
                         "resolved": sum(1 for r in resolved if r[2] == c)} for c in categories],
        "typical_cases": [{"title": r[0], "category": str(RequestCategory(r[2]).label), "closed_on": r[5],
                           "resolution": r[6]} for r in typical],
    }
    assert values(figures, "requests") == {"resolved": len(resolved), "raised": len(raised)}
    assert indicator(figures, "requests")["items"] == [
        {"title": r[0], "detail": "{} · {}".format(RequestCategory(r[2]).label, date_format(r[5], "DATE_FORMAT"))}
        for r in typical]


def test_charity(world):
    figures = figures_of(world.chamber, report=world.report)
    # The year's donations that still stand: a pledge withdrawn in full (any receipt on it
    # reversed) is no donation; a reversed receipt on a standing pledge still is.
    gifts = [g for g in DONATIONS if g.pledged.year == YEAR and g.stands]
    assert any(g.pledged.year == YEAR and not g.stands for g in DONATIONS)
    assert any(g.stands and g.reversed for g in gifts)
    names = {m.key: world.members[m.key].name for m in MEMBERS}
    donors = Counter()
    for g in gifts:
        if not g.anonymous and g.kept:
            donors[names.get(g.donor, g.donor)] += g.kept
    ran = [p for p in PROGRAMMES if (p[2] <= END and (p[3] is None or p[3] >= START))
           or any(g.programme == p[0] for g in gifts)]
    by_programme = []
    for key, name, _starts, _ends in PROGRAMMES:
        mine = [g for g in gifts if g.programme == key]
        if mine:
            by_programme.append({"label": name, "amount": sum(g.kept for g in mine).quantize(CENT),
                                 "donations": len(mine)})
    money = sum(g.kept for g in gifts if g.form == "money").quantize(CENT)
    goods = sum(g.kept for g in gifts if g.form == "goods").quantize(CENT)
    assert figures["charity"] == {
        "programmes": len(ran), "activities": len(held_in_year({EventKind.CHARITY_ACTIVITY})),
        "donations": len(gifts), "amount_money": money, "amount_goods": goods,
        "by_programme": sorted(by_programme, key=lambda r: (-r["amount"], r["label"])),
        "top_donors": [{"name": name, "amount": amount.quantize(CENT)}
                       for name, amount in sorted(donors.items(), key=lambda kv: (-kv[1], kv[0]))][:10],
    }
    assert values(figures, "charity") == {"programmes": len(ran), "activities": 1, "amount_money": money,
                                          "amount_goods": goods}
    anonymous = {g.donor for g in DONATIONS if g.anonymous}
    assert not anonymous & {d["name"] for d in figures["charity"]["top_donors"]}
    # The programme that ended years ago took only a gift withdrawn in full: not the year's.
    old = [p for p in PROGRAMMES if p[3] is not None and p[3].year < YEAR - 1]
    assert old and any(g.programme == p[0] and g.pledged.year == YEAR for p in old for g in DONATIONS)
    assert not {p[1] for p in old} & {row["label"] for row in figures["charity"]["by_programme"]}


def test_dues(world):
    figures = figures_of(world.chamber, report=world.report)
    # Invoiced to every member that was active when the year's invoices were generated.
    invoiced = [m for m in MEMBERS if m.status not in ("applied", "withdrawn")]
    total = sum(RATES[m.rank] for m in invoiced)
    collected = sum(PAYMENTS.values())
    waived = sum(RATES[m.rank] for m in invoiced if m.key in WAIVED)
    paid = sum(1 for m in invoiced if PAYMENTS.get(m.key) == RATES[m.rank])
    assert figures["dues"] == {
        "invoiced": total.quantize(CENT), "collected": collected.quantize(CENT),
        "outstanding": (total - collected - waived).quantize(CENT),
        # A waiver is not a failure to collect: the rate is on what was due after waivers.
        "rate": (collected * 100 / (total - waived)).quantize(Decimal("0.1")), "invoices": len(invoiced),
        "paid_invoices": paid,
    }
    assert waived


def test_work_records_and_the_none_rule(world):
    figures = figures_of(world.chamber, report=world.report)
    confirmed = REPORT["none_confirmed"]
    honours = [w for w in work_in_year(WorkRecordKind.HONOUR) if w[3]["level"] in (Level.NATIONAL, Level.PROVINCIAL)]
    assert values(figures, "honours") == {"count": len(honours)}
    assert indicator(figures, "honours")["items"] == [
        {"title": w[2], "detail": "{} · {}".format(Level(w[3]["level"]).label, date_format(w[1], "DATE_FORMAT"))}
        for w in honours]

    research = work_in_year(WorkRecordKind.RESEARCH_REPORT)
    assert values(figures, "research") == {"count": len(research),
                                           "achieved": sum(1 for w in research if w[3].get("achieved"))}
    assert [i["title"] for i in indicator(figures, "research")["items"]] == [w[2] for w in research]

    proposals = work_in_year(WorkRecordKind.PROPOSAL)
    bodies = Counter(w[3]["body"] for w in proposals)
    assert values(figures, "proposals") == {
        "count": len(proposals), "achieved": sum(1 for w in proposals if w[3].get("achieved")),
        **{body: bodies[body] for body in ProposalBody.values if bodies[body]}}

    publicity = work_in_year(WorkRecordKind.PUBLICITY)
    media = Counter(w[3]["medium"] for w in publicity)
    assert values(figures, "publicity") == {"count": len(publicity),
                                            **{m: media[m] for m in Medium.values if media[m]}}
    assert indicator(figures, "publicity")["items"][0] == {
        "title": publicity[0][2], "detail": "{} · {}".format(Medium(publicity[0][3]["medium"]).label,
                                                             date_format(publicity[0][1], "DATE_FORMAT"))}

    # No analysis report in 2025, and the secretariat confirmed there was none: 0, not None.
    assert WorkRecordKind.ANALYSIS_REPORT in confirmed
    assert values(figures, "analysis") == {"count": work_count(WorkRecordKind.ANALYSIS_REPORT, confirmed)} == {
        "count": 0}
    # Without the report nothing is confirmed: "not recorded"; no denominator: no coverage.
    bare = figures_of(world.chamber)
    assert values(bare, "analysis") == {"count": None}
    assert values(bare, "organisations")["coverage"] is None
    assert values(bare, "organisations")["above_size_members"] == values(figures, "organisations")["above_size_members"]
    assert bare["summary"] == "" and figures["summary"] == REPORT["summary"]


def test_evaluations_held_by_the_chamber(world):
    figures = figures_of(world.chamber, report=world.report)
    # A revoked rating was never held, though its dates say so.
    held = [r for r in world.ratings if r.awarded_on <= END and r.valid_until >= START and r.status != "revoked"]
    assert any(r.status == "revoked" and r.awarded_on.year == YEAR for r in world.ratings)
    for rating in held:
        rating.refresh_from_db()  # a later award superseded it: the status printed is today's
    assert figures["evaluations"] == {
        "held": [{"scheme": r.scheme.name, "grade": r.grade_label, "awarded_by": "南京市工商业联合会",
                  "awarded_on": r.awarded_on, "valid_until": r.valid_until, "status": str(r.get_status_display())}
                 for r in sorted(held, key=lambda r: r.awarded_on, reverse=True)],
        "awarded": [],
    }
    assert figures["evaluations"]["held"][0]["status"] == gettext("Superseded")
    assert figures["chamber"]["federation"] == "南京市工商业联合会"


def test_evaluations_a_federation_awarded(federation, affiliate, fed_branches):
    with scope(chamber=federation):
        star = Scheme.objects.create(chamber=federation, kind=SchemeKind.STAR_RATING, name="星级商会评定")
        awards = [
            (affiliate, None, 3, "三星级", datetime.date(2025, 5, 1)),
            (None, fed_branches["fuzimiao"], 3, "三星级", datetime.date(2025, 7, 1)),
            (None, fed_branches["jiangdong"], 4, "四星级", datetime.date(2025, 8, 1)),
            (None, fed_branches["catering"], 4, "四星级", datetime.date(2024, 8, 1)),
        ]
        ratings = [rating_record(chamber=federation, actor=None, scheme=star, level=level, grade_label=grade,
                                 awarded_on=day, subject_chamber=subject, branch=branch)
                   for subject, branch, level, grade, day in awards]
        revoked = 2
        rating_revoke(rating=ratings[revoked], actor=None, reason="材料不实")
    figures = figures_of(federation)
    in_year = Counter((level, grade) for n, (_s, _b, level, grade, day) in enumerate(awards)
                      if day.year == YEAR and n != revoked)
    assert figures["evaluations"]["awarded"] == [
        {"scheme": "星级商会评定", "grade": grade, "count": count}
        for (level, grade), count in sorted(in_year.items(), key=lambda kv: (-kv[0][0], kv[0][1]))]
    assert figures["evaluations"]["held"] == []


# --- "Not recorded" and the edges --------------------------------------------------------------

def test_an_empty_year_says_not_recorded_where_the_data_cannot_answer(chamber):
    figures = figures_of(chamber)
    # Counts of what the product keeps are real zeros ...
    assert values(figures, "members") == {"new": 0, "total": 0, "left": 0}
    assert values(figures, "manager_training")["classes"] == 0 and values(figures, "dialogues")["events"] == 0
    assert figures["requests"]["raised"] == 0 and figures["charity"]["donations"] == 0
    assert figures["dues"]["invoices"] == 0 and figures["dues"]["invoiced"] == Decimal("0.00")
    # ... what it cannot know is None.
    assert figures["dues"]["rate"] is None and figures["requests"]["average_rating"] is None
    assert values(figures, "manager_training")["people"] is None and values(figures, "training")["people"] is None
    assert values(figures, "dialogues")["participants"] is None
    organisations = values(figures, "organisations")
    assert organisations["trades"] is None and organisations["above_size_members"] is None
    assert organisations["coverage"] is None
    assert values(figures, "party")["party_members"] is None
    # Nothing about representatives on file: items 7 and 8 are "not recorded", not 0.
    assert values(figures, "representatives") == {"people": None}
    assert values(figures, "representative_honours") == {"count": None}
    assert indicator(figures, "representative_honours")["items"] == []
    for key in ("honours", "research", "proposals", "analysis", "publicity"):
        assert all(value is None for value in values(figures, key).values()), key
    assert values(figures, "investment")["projects"] is None
    assert values(figures, "investment")["projects_amount"] is None
    assert figures["officers"] == {"term": None, "rows": []}

    # Confirmed as none: 0 for each kind (and nothing invested).
    with scope(chamber=chamber):
        report = annual_report_inputs_save(chamber=chamber, year=YEAR, actor=None, summary="",
                                           above_size_enterprises=0, none_confirmed=WORK_KINDS)
    confirmed = figures_of(chamber, report=report)
    for key in ("honours", "research", "proposals", "analysis", "publicity"):
        assert all(value == 0 for value in values(confirmed, key).values()), key
    assert values(confirmed, "investment")["projects"] == 0
    assert values(confirmed, "investment")["projects_amount"] == Decimal("0.00")
    # A denominator of 0 gives no rate; nor does a denominator without members' figures.
    assert values(confirmed, "organisations")["coverage"] is None
    with scope(chamber=chamber):
        report = annual_report_inputs_save(chamber=chamber, year=YEAR, actor=None, summary="",
                                           above_size_enterprises=50, none_confirmed=[])
    assert values(figures_of(chamber, report=report), "organisations")["coverage"] is None


def test_trades_need_a_division_and_sections_are_named(chamber):
    with scope(chamber=chamber):
        rank = Rank.objects.get(chamber=chamber, code="member")
        for n, code in enumerate(("F", "")):
            enterprise = enterprise_create(chamber=chamber, actor=None, name="企业{}".format(n), uscc=make_uscc(700 + n),
                                           industry_code=code)
            membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=enterprise,
                              rank=rank, status=MembershipStatus.ACTIVE, joined_on=datetime.date(2020, 1, 1))
    figures = figures_of(chamber)
    # A bare section letter names no two-digit division: trades cannot be counted.
    assert values(figures, "organisations")["trades"] is None
    assert figures["members"]["by_industry"] == [
        {"label": "F {}".format(INDUSTRY_SECTIONS["F"][2]), "count": 1},
        {"label": gettext("Industry not recorded"), "count": 1}]


def test_divisions_beyond_the_fifteenth_are_one_row(chamber):
    codes = ["3205{:02d}".format(i) for i in range(1, 18)] + ["320517", "320516", "320516"]
    with scope(chamber=chamber):
        rank = Rank.objects.get(chamber=chamber, code="member")
        for n, code in enumerate(codes):
            enterprise = enterprise_create(chamber=chamber, actor=None, name="企业{}".format(n),
                                           uscc=make_uscc(800 + n), division_code=code)
            membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=enterprise,
                              rank=rank, status=MembershipStatus.ACTIVE, joined_on=datetime.date(2020, 1, 1))
    rows = sorted(Counter(codes).items(), key=lambda kv: (-kv[1], kv[0]))
    figures = figures_of(chamber)
    assert figures["members"]["by_division"] == [{"label": code, "count": n} for code, n in rows[:15]] + [
        {"label": gettext("Other"), "count": sum(n for _code, n in rows[15:])}]
    assert figures["members"]["by_division"][0] == {"label": "320516", "count": 3}


# --- as_of: the current year and a past year ---------------------------------------------------

def test_as_of_is_the_year_end_or_today(chamber):
    today = timezone.localdate()
    assert figures_of(chamber, year=today.year - 1)["as_of"] == datetime.date(today.year - 1, 12, 31)
    assert figures_of(chamber, year=today.year)["as_of"] == today
    assert figures_of(chamber, year=YEAR, today=datetime.date(YEAR, 3, 1))["as_of"] == datetime.date(YEAR, 3, 1)


def test_a_year_not_over_counts_up_to_today(world):
    """While the year runs (`today` in it), members are counted on today's date: a join
    dated later does not count yet, a leaving dated later has not happened yet."""
    today = datetime.date(YEAR, 6, 30)
    figures = figures_of(world.chamber, report=world.report, today=today)
    assert figures["as_of"] == today
    with scope(chamber=world.chamber):
        rank_order = list(Rank.objects.filter(chamber=world.chamber).order_by("order").values_list("code", "name"))
    expected = expected_members(today, rank_order, paths(world))
    assert figures["members"] == expected
    assert expected != expected_members(END, rank_order, paths(world))  # the date matters for this roster
    assert all(m["joined"] == m["left"] == 0 for m in figures["members"]["monthly"][6:])
    # Work records dated after today are not counted yet.
    assert values(figures, "publicity")["count"] == sum(1 for w in work_in_year(WorkRecordKind.PUBLICITY)
                                                        if w[1] <= today)


def test_a_past_year_is_worked_out_from_the_dates(world):
    """The 2024 report, printed now: members who left in 2025 were members then, whatever
    their status today; those who joined in 2025 were not."""
    end = datetime.date(YEAR - 1, 12, 31)
    figures = figures_of(world.chamber, year=YEAR - 1)
    assert figures["as_of"] == end
    current = members_on(end)
    assert values(figures, "members")["total"] == len(current)
    assert {"m5", "m11"} <= {m.key for m in current}  # status "left" today
    assert values(figures, "members")["new"] == sum(1 for m in MEMBERS if m.joined and m.joined.year == YEAR - 1
                                                    and m.status not in ("applied", "withdrawn"))
    assert figures["officers"]["term"]["name"] == "第8届理事会"
    assert values(figures, "training")["classes"] == sum(1 for e in EVENTS if e[3] == "held" and e[2].year == YEAR - 1
                                                         and e[1] in (EventKind.TRAINING, EventKind.SEMINAR))


# --- Plain values, determinism, the digest moving with the data, cost --------------------------

def test_plain_deterministic_and_moves_with_the_data(world):
    first = figures_of(world.chamber, report=world.report)
    again = figures_of(world.chamber, report=world.report)
    assert dumps(first) == dumps(again)
    assert len(first["indicators"]) == 17
    assert [i["number"] for i in first["indicators"]] == list(range(1, 18))
    assert [i["key"] for i in first["indicators"]] == [
        "honours", "members", "organisations", "party", "manager_training", "training", "representatives",
        "representative_honours", "dialogues", "requests", "markets", "investment", "charity", "research",
        "proposals", "analysis", "publicity"]
    plain = (int, float, str, Decimal, datetime.date, type(None))

    def check(value, path="figures"):
        if isinstance(value, dict):
            for key, item in value.items():
                assert isinstance(key, str), path
                check(item, "{}.{}".format(path, key))
        elif isinstance(value, list):
            for n, item in enumerate(value):
                check(item, "{}[{}]".format(path, n))
        else:
            assert type(value) in plain, path  # a lazy translation or a datetime would fail here

    check(first)
    json.dumps(first, default=str)  # serialisable with the digest's own settings

    with scope(chamber=world.chamber):
        rank = Rank.objects.get(chamber=world.chamber, code="member")
        enterprise = enterprise_create(chamber=world.chamber, actor=None, name="新入会企业", uscc=make_uscc(4242))
        membership_create(chamber=world.chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=enterprise,
                          rank=rank, status=MembershipStatus.ACTIVE, joined_on=datetime.date(YEAR, 10, 1))
    moved = figures_of(world.chamber, report=world.report)
    assert dumps(moved) != dumps(first)
    assert values(moved, "members")["total"] == values(first, "members")["total"] + 1


def _queries(chamber, report):
    """How many queries one computation of the figures makes (on a fresh chamber row, so
    nothing is cached on it from an earlier call)."""
    with scopes_disabled():
        chamber = Chamber.objects.get(pk=chamber.pk)
    with scope(chamber=chamber):
        with CaptureQueriesContext(connection) as queries:
            annual_report_figures(chamber=chamber, year=YEAR, report=report)
    return len(queries)


def _grow(world):
    """Add to the world's year what would cost a query per row if any figure read rows one
    by one: 50 members in branches with contacts (with party affiliation, representative
    posts and honours), 10 events with outcomes, 10 donations, typical cases, a rating."""
    chamber = world.chamber
    with scope(chamber=chamber):
        rank = Rank.objects.get(chamber=chamber, code="member")
        keys = [key for key, *_rest in BRANCHES if not _rest[3]]
        for n in range(50):
            enterprise = enterprise_create(chamber=chamber, actor=None, name="扩容企业{}".format(n),
                                           uscc=make_uscc(5000 + n), industry_code="C38{:02d}".format(n % 30),
                                           division_code="3205{:02d}".format(n % 20))
            annual_figures_set(enterprise=enterprise, actor=None, year=YEAR, revenue=Decimal(n * 1000000))
            membership = membership_create(
                chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=enterprise, rank=rank,
                branches=[world.branches[keys[n % len(keys)]]], status=MembershipStatus.ACTIVE,
                joined_on=datetime.date(YEAR, 1 + n % 12, 1))
            person = person_create(chamber=chamber, actor=None, name="联系人{}".format(n),
                                   political_affiliation=PoliticalAffiliation.CPC if n % 2 else "")
            contact_add(enterprise=enterprise, person=person, actor=None)
            if n % 5 == 0:
                RepresentativePost.objects.create(chamber=chamber, person=person, body=Body.CPPCC, level=Level.COUNTY,
                                                  term="第十届", started_year=YEAR)
                Honour.objects.create(chamber=chamber, person=person, name="优秀会员{}".format(n), level=Level.CITY,
                                      year=YEAR)
            if n < 5:
                request = request_create(chamber=chamber, actor=None, membership=membership,
                                         category=RequestCategory.OTHER, title="诉求{}".format(n), description="请协调。")
                request_move(request=request, actor=None, status=RequestStatus.RESOLVED, note="已办结")
                request_mark_typical(request=request, actor=None, is_typical=True, summary="已解决")
                MemberRequest.objects.filter(pk=request.pk).update(closed_on=datetime.date(YEAR, 6, 1 + n))
        kinds = [EventKind.TRAINING, EventKind.GOVERNMENT_DIALOGUE, EventKind.OTHER, EventKind.STUDY_TOUR_ABROAD,
                 EventKind.MANAGER_TRAINING]
        for n in range(10):
            make_event(chamber, "扩容活动{}".format(n), kinds[n % len(kinds)], datetime.date(YEAR, 2 + n, 3), "held",
                       {"participants": 10 + n, "people_trained": n, "deals_signed": n % 3 or None,
                        "deals_amount": Decimal(n * 1000), "summary": "纪要{}".format(n)})
        programme = programme_create(chamber=chamber, actor=None, name="扩容项目", kind=ProgrammeKind.OTHER,
                                     starts_on=datetime.date(YEAR, 1, 1))
        for n in range(10):
            donation_record(programme=programme, actor=None, donor_kind=DonorKind.OUTSIDE,
                            donor_name="捐赠人{}".format(n), form=DonationForm.MONEY, amount=Decimal(1000 + n),
                            pledged_on=datetime.date(YEAR, 3, 1 + n),
                            received={"amount": Decimal(500 + n), "on": datetime.date(YEAR, 3, 1 + n),
                                      "method": "cash"})
    with scope(chamber=world.chamber.supervising_federation):
        federation = world.chamber.supervising_federation
        scheme = Scheme.objects.create(chamber=federation, kind=SchemeKind.OTHER, name="扩容评定")
        rating_record(chamber=federation, actor=None, scheme=scheme, level=1, grade_label="优秀",
                      awarded_on=datetime.date(YEAR, 4, 1), subject_chamber=world.chamber)


def test_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    """The figures cost the same few dozen queries whatever the size of the chamber: each is
    a GROUP BY, an aggregate or a bounded list. Counted on the world, then again after
    adding 50 members (in branches, with contacts), 10 events with outcomes, 10 donations,
    typical cases and a rating: a figure that read rows one by one would move the count.

    chamber's federation 1; members: counts, kinds × ranks, branches, industries, branch
    subtrees, divisions 6; organisations: affiliated chambers, annual figures 2; party members
    1; representatives: seats, people, honours 3; events: outcome totals, markets, dialogues 3;
    work records: counts, items 2; requests: figures, typical cases 2; charity: programmes,
    the year's donations by programme and form, top donors 3; officers: term, line-up 2;
    evaluations: held, awarded 2; dues 1. Allowed: 35.
    """
    _queries(world.chamber, world.report)  # anything cached per process (content types …)
    before = _queries(world.chamber, world.report)
    _grow(world)
    after = _queries(world.chamber, world.report)
    assert after == before
    with scope(chamber=world.chamber):
        with django_assert_max_num_queries(35):
            annual_report_figures(chamber=world.chamber, year=YEAR, report=world.report)
    print("annual report figures: {} queries".format(after))


# --- Representatives on file, officers between terms ----------------------------------------------

def test_representatives_of_other_years_only_are_a_real_zero(chamber):
    """Posts and honours on file, none of them this year's: 0, not "not recorded"."""
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=None, name="周文")
        RepresentativePost.objects.create(chamber=chamber, person=person, body=Body.CPPCC, level=Level.CITY,
                                          term="第九届", started_year=2017, ended_year=2021)
        Honour.objects.create(chamber=chamber, person=person, name="苏州市劳动模范", level=Level.CITY, year=2019)
    figures = figures_of(chamber)
    assert values(figures, "representatives") == {"people": 0}
    assert values(figures, "representative_honours") == {"count": 0}
    assert indicator(figures, "representative_honours")["items"] == []
    # The year of the post and of the honour: counted.
    past = figures_of(chamber, year=2019)
    assert values(past, "representatives") == {"people": 1, "{}_{}".format(Body.CPPCC, Level.CITY): 1}
    assert values(past, "representative_honours") == {"count": 1}


def test_officers_between_two_terms(chamber):
    """A year that falls between two terms shows the term that ended (as it ended), not the
    next one, which had not begun; a year before any term shows none."""
    terms = [(7, datetime.date(2018, 1, 1), datetime.date(2022, 12, 31), "郑七届"),
             (8, datetime.date(2024, 6, 1), datetime.date(2029, 5, 31), "郑八届")]
    with scope(chamber=chamber):
        people = {}
        for ordinal, starts, ends, name in terms:
            term = term_create(chamber=chamber, actor=None, ordinal=ordinal, starts_on=starts, ends_on=ends,
                               name="第{}届理事会".format(ordinal))
            people[ordinal] = person_create(chamber=chamber, actor=None, name=name)
            officer_appoint(term=term, actor=None, person=people[ordinal], post=Post.PRESIDENT)
    gap = figures_of(chamber, year=2023)["officers"]
    assert gap["term"] == {"name": "第7届理事会", "starts_on": terms[0][1], "ends_on": terms[0][2]}
    assert [row["name"] for row in gap["rows"]] == ["郑七届"]
    assert figures_of(chamber, year=2025)["officers"]["term"]["name"] == "第8届理事会"
    assert figures_of(chamber, year=2017)["officers"] == {"term": None, "rows": []}
    # In the overlap-free year the next term begins, it is the one in force at the year's end.
    assert figures_of(chamber, year=2024)["officers"]["term"]["name"] == "第8届理事会"
