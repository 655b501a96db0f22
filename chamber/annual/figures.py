"""The figures of a chamber's annual report: the federation's statistics form (17 items) and
the report's sections, as one dict of plain values (`annual_report_figures`).

The dict is digested (json.dumps, sorted keys) to know whether a printed report still holds,
so everything in it is deterministic: every list has a stable order, amounts are Decimals
to the fen, and the only date taken from the clock is `as_of`.

What the data lets us know, and the choices made:

- "Not recorded" is None, never a silent 0. Counts of what the product is the system of
  record for (members, branches, events held, requests, donations, invoices) are real
  counts, 0 included. Sums of optional figures (participants, people trained, deals) are
  None when no event recorded them. Work-record kinds: the year's records; none → None,
  unless the report confirms the kind as none this year (then 0).
- `as_of` is 31 December of the year, or today while the year is not over. It limits the
  members (dates after it have not happened yet) and the work records (one entered ahead
  does not count yet). Events, requests and charity are taken for the whole calendar year
  as recorded so far: an event held, a request closed or a gift pledged in the year counts
  whatever today is (a date in the year but after today is the record's own business).
- Members on `as_of` are worked out from the dates, not from today's status: joined on or
  before `as_of`, not left by then, and more than an applicant (figures_members
  .member_on_q says how missing dates are read). New = joined in the year, left = left in
  the year. An application withdrawn (its history shows applied → left) is never a member,
  a new member or a leaver, even if it was entered with a join date. This holds for a
  past year as long as the dates do; what the roster does not date is taken as it is today: a member's rank,
  branches, kind, industry and division (their history is an audit trail, not a dated
  table), and a suspended or lapsed member counts as a member. So the breakdowns of a
  past year are "the members of then, as they are filed now".
- Group members (another chamber or association joining as a member) are filed with an
  organisation record like an enterprise's, and are counted deliberately with the member
  enterprises: in the industry and division breakdowns, the trades covered (a trade
  association does cover its trade), and the above-size figure — where a group counts
  only if revenue is filed for it for the year, which is rare. Individual members are
  never among them.
- Events count when held in the year (events.selectors.outcomes.held_events). Item 11
  (markets) counts study tours and any other event that recorded deals signed or a deals
  amount (either one), investment promotions excepted (they are item 12's); its scope is
  the outcome's, or for an event without one, abroad for a study tour abroad and domestic
  otherwise. Counting every event's outcome scope would make each council meeting with a
  head count a "domestic market activity" (the scope defaults to domestic).
- Requests: problems solved are the requests closed as resolved in the year
  (events.selectors.requests.request_year_figures); the typical cases printed under item
  10 and in the section are the resolved ones only (at most ITEM_LIMIT).
- Charity: donations pledged in the year that still stand (LIVE_DONATION: something was
  received, or the pledge is not withdrawn in full), and the money and goods received on
  the year's pledges, whenever received. The charity pages' yearly "received" counts by
  receipt date, so the two differ when a pledge of one year is paid in the next. A
  programme counts when it ran during the year or took a standing donation in it: a pledge
  withdrawn in full (with any receipt reversed) does not bring an old programme back. Top
  donors name only donors who gave openly: an anonymous gift never shows up there.
- Dues: the year's invoices, collected = paid on them, rate = collected / (invoiced −
  waived): a waiver is the chamber forgiving the dues, not a failure to collect. Invoiced
  is printed as invoiced, waivers included.
- Evaluations: the ratings the chamber holds (kept in its federation's register and read
  across the wall by evaluations.ratings.rating_list_for_subject_chamber) that were valid at
  some point of the year, revoked ones left out; and, for a federation, the grades it
  awarded in the year (revoked ones left out too). Their status is today's (a rating
  since superseded shows as superseded).
- Representatives and party members are the chamber's people as filed now (officers,
  contacts, individual members — contacts of former members included, the people table
  has no dates of its own): party members by today's affiliation, posts whose years
  overlap the year, honours of the year. Party members are None when nobody's affiliation
  is recorded; representatives (item 7) None when the chamber has no representative post
  on file in any year, their honours (item 8) None when it has no honour on file in any
  year — posts or honours of other years only make this year's figure a real 0.
- Officers: the term in force on `as_of`, else the latest term begun by then.

Cost: a fixed number of queries (about 30) whatever the size of the chamber, each a GROUP
BY, an aggregate or a bounded list; tests/annual/test_figures.py checks the count does not
move when members, events and donations are added.
"""
import datetime
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, Q, Sum, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from charity.models import Donation, DonationForm, DonorKind, Programme
from evaluations.models import Rating, RatingStatus
from evaluations.ratings import rating_list_for_subject_chamber
from events.models import EventKind, OutcomeScope, RequestStatus
from events.selectors.outcomes import add_recorded, held_events, outcome_totals
from events.selectors.requests import request_year_figures
from members.dues.selectors import dues_year_totals
from members.models import Level

from .figures_members import (
    member_figures,
    officer_figures,
    organisation_figures,
    party_figures,
    representative_figures,
)
from .models import Medium, ProposalBody, WorkRecord, WorkRecordKind

__all__ = ["annual_report_figures", "ITEM_LIMIT"]

# Named things listed under one indicator (honours, dialogues, articles …) stop here; the
# counts beside them still count everything.
ITEM_LIMIT = 100
TOP_DONORS = 10
CENT = Decimal("0.01")
# Honours of the chamber the form asks for: provincial level and above.
HIGH_LEVELS = (Level.NATIONAL, Level.PROVINCIAL)
# Events that are market expansion and trade by nature (item 11), whatever they recorded.
MARKET_KINDS = (EventKind.STUDY_TOUR_DOMESTIC, EventKind.STUDY_TOUR_ABROAD)
ITEM_KINDS = (WorkRecordKind.HONOUR, WorkRecordKind.RESEARCH_REPORT, WorkRecordKind.PROPOSAL,
              WorkRecordKind.PUBLICITY)


def _money(value):
    return None if value is None else Decimal(value).quantize(CENT)


def _day(day):
    """A date inside a text (an item's detail), as the active language writes it: 2025年6月18日."""
    return date_format(day, "DATE_FORMAT") if day else ""


# Units printed beside the figures, in the active language when printed.
UNITS = {
    "persons": pgettext_lazy("unit", "persons"), "organisations": pgettext_lazy("unit", "organisations"),
    "members": pgettext_lazy("unit", "members"), "trades": pgettext_lazy("unit", "trades"),
    "enterprises": pgettext_lazy("unit", "enterprises"), "percent": "%",
    "classes": pgettext_lazy("unit", "classes"), "events": pgettext_lazy("unit", "events"),
    "pieces": pgettext_lazy("unit", "pieces"), "deals": pgettext_lazy("unit", "deals"),
    "attendances": pgettext_lazy("unit", "attendances"),
    "cny": pgettext_lazy("unit", "CNY"), "projects": pgettext_lazy("unit", "projects"),
    "items": pgettext_lazy("unit", "items"), "reports": pgettext_lazy("unit", "reports"),
    "articles": pgettext_lazy("unit", "articles"), "programmes": pgettext_lazy("unit", "programmes"),
}


def _figure(key, label, value, unit):
    return {"key": key, "label": str(label), "value": value, "unit": str(UNITS[unit])}


def _indicator(number, key, title, figures, source, items=()):
    return {"number": number, "key": key, "title": str(title), "figures": figures, "items": list(items),
            "source": str(source)}


def _chamber(chamber):
    federation = chamber.supervising_federation.name if chamber.supervising_federation_id else ""
    return {"name": chamber.name, "short_name": chamber.short_name, "kind": str(chamber.get_kind_display()),
            "uscc": chamber.uscc, "address": chamber.address, "founded_on": chamber.founded_on,
            "federation": federation}


# --- Events --------------------------------------------------------------------------------------

def _event_row(row, label=None):
    return {"label": str(label if label is not None else row["label"]), "events": row["events"],
            "participants": row["participants"], "people_trained": row["people_trained"],
            "deals_signed": row["deals_signed"], "deals_amount": _money(row["deals_amount"])}


def _events(chamber, year):
    """The `events` section and what items 5, 6, 9, 11, 12 and 13 take from events: three
    queries (outcome totals, market activities, the dialogues)."""
    totals = outcome_totals(chamber=chamber, year=year)
    kinds = {row["key"]: row for row in totals["by_kind"]}

    def kind(key, field):
        return kinds[key][field] if key in kinds else (0 if field == "events" else None)

    market = {scope: {"events": 0, "deals": None, "amount": None} for scope in OutcomeScope.values}
    held = held_events(chamber=chamber, year=year)
    recorded_deals = Q(outcome__deals_signed__isnull=False) | Q(outcome__deals_amount__isnull=False)
    groups = (held.filter(Q(kind__in=MARKET_KINDS) | recorded_deals)
              .exclude(kind=EventKind.INVESTMENT_PROMOTION).values("kind", "outcome__scope")
              .annotate(events=Count("pk"), deals=Sum("outcome__deals_signed"), amount=Sum("outcome__deals_amount"))
              .order_by())
    for group in groups:
        scope = group["outcome__scope"] or (
            OutcomeScope.ABROAD if group["kind"] == EventKind.STUDY_TOUR_ABROAD else OutcomeScope.DOMESTIC)
        row = market[scope]
        row["events"] += group["events"]
        row["deals"] = add_recorded(row["deals"], group["deals"])
        row["amount"] = add_recorded(row["amount"], group["amount"])
    dialogues = [{"title": row["title"], "detail": row["outcome__summary"] or ""} for row in
                 held.filter(kind=EventKind.GOVERNMENT_DIALOGUE).values("title", "outcome__summary")
                 .order_by("starts_at", "pk")[:ITEM_LIMIT]]
    training = [kinds[k] for k in (EventKind.TRAINING, EventKind.SEMINAR) if k in kinds]
    people_trained = None
    for row in training:
        people_trained = add_recorded(people_trained, row["people_trained"])
    return {
        "section": {"rows": [_event_row(row) for row in totals["by_kind"]],
                    "total": {key: value for key, value in _event_row(totals["total"], "").items() if key != "label"}},
        "manager_training": (kind(EventKind.MANAGER_TRAINING, "events"),
                             kind(EventKind.MANAGER_TRAINING, "people_trained")),
        "training": (sum(row["events"] for row in training), people_trained),
        "dialogues": (totals["dialogues"]["events"], totals["dialogues"]["participants"], dialogues),
        "market": {scope: dict(row, amount=_money(row["amount"])) for scope, row in market.items()},
        "investment": (kind(EventKind.INVESTMENT_PROMOTION, "events"),
                       kind(EventKind.INVESTMENT_PROMOTION, "deals_signed"),
                       _money(kind(EventKind.INVESTMENT_PROMOTION, "deals_amount"))),
        "charity_activities": kind(EventKind.CHARITY_ACTIVITY, "events"),
    }


# --- Work records ------------------------------------------------------------------------------

def _work_records(chamber, year, as_of, confirmed):
    """Counts per kind (None rule), achieved, per level / body / medium, investment amounts, and
    the named items: two queries (one GROUP BY, one list of the listed kinds)."""
    records = WorkRecord.objects.filter(chamber=chamber, occurred_on__gte=datetime.date(year, 1, 1),
                                        occurred_on__lte=as_of)
    counts, achieved, levels, bodies, media = {}, {}, {}, {}, {}
    amount, amounts = None, 0
    for group in (records.values("kind", "level", "body", "medium")
                  .annotate(n=Count("pk"), n_achieved=Count("pk", filter=Q(achieved=True)),
                            sum_amount=Sum("amount"), n_amounts=Count("amount")).order_by()):
        kind = group["kind"]
        counts[kind] = counts.get(kind, 0) + group["n"]
        achieved[kind] = achieved.get(kind, 0) + group["n_achieved"]
        levels[(kind, group["level"])] = levels.get((kind, group["level"]), 0) + group["n"]
        if kind == WorkRecordKind.PROPOSAL and group["body"]:
            bodies[group["body"]] = bodies.get(group["body"], 0) + group["n"]
        if kind == WorkRecordKind.PUBLICITY and group["medium"]:
            media[group["medium"]] = media.get(group["medium"], 0) + group["n"]
        if kind == WorkRecordKind.INVESTMENT and group["n_amounts"]:
            amount = add_recorded(amount, group["sum_amount"])
            amounts += group["n_amounts"]

    def count(kind):
        if counts.get(kind):
            return counts[kind]
        return 0 if kind in confirmed else None

    def of(kind, n):
        """A part of a kind's count: None when the kind itself is not recorded."""
        return None if count(kind) is None else n

    items = {kind: [] for kind in ITEM_KINDS}
    level_labels, body_labels, medium_labels = dict(Level.choices), dict(ProposalBody.choices), dict(Medium.choices)
    for row in (records.filter(kind__in=ITEM_KINDS).values("kind", "title", "level", "body", "medium", "outcome",
                                                           "occurred_on").order_by("occurred_on", "pk")):
        kind = row["kind"]
        if kind == WorkRecordKind.HONOUR:
            if row["level"] not in HIGH_LEVELS:
                continue
            parts = [level_labels.get(row["level"]), _day(row["occurred_on"])]
        elif kind == WorkRecordKind.PROPOSAL:
            parts = [body_labels.get(row["body"]), row["outcome"]]
        elif kind == WorkRecordKind.PUBLICITY:
            parts = [medium_labels.get(row["medium"]), _day(row["occurred_on"])]
        else:
            parts = [row["outcome"]]
        if len(items[kind]) < ITEM_LIMIT:
            items[kind].append({"title": row["title"], "detail": " · ".join(str(p) for p in parts if p)})

    investment = count(WorkRecordKind.INVESTMENT)
    if investment is None:
        projects_amount = None
    elif amounts:
        projects_amount = _money(amount)
    else:  # confirmed none: nothing invested; records without amounts: not recorded
        projects_amount = Decimal("0.00") if not counts.get(WorkRecordKind.INVESTMENT) else None
    # Honours at provincial level and above: "not recorded" only when no honour at all is
    # recorded (city-level honours on file mean the provincial count is a real 0).
    honours = of(WorkRecordKind.HONOUR, sum(levels.get((WorkRecordKind.HONOUR, lv), 0) for lv in HIGH_LEVELS))
    return {
        "count": count, "achieved": lambda kind: of(kind, achieved.get(kind, 0)), "honours": honours,
        "bodies": bodies, "media": media, "items": items,
        "investment": (investment, projects_amount),
    }


# --- Charity, dues, evaluations ------------------------------------------------------------------

# A donation that still stands: something was received on it, or some of the pledge is not
# withdrawn. A pledge withdrawn in full, with nothing received (or every receipt reversed),
# is not a donation. A gift whose receipt was reversed but whose pledge stands is, like any
# pledge not yet honoured, still counted (its received amount is 0).
LIVE_DONATION = Q(settled_amount__gt=0) | Q(amount__gt=F("written_off_amount"))


def _charity(chamber, year, as_of):
    """The `charity` section: three queries (the programmes, the year's donations per
    programme and form, top donors)."""
    start = datetime.date(year, 1, 1)
    donations = Donation.objects.filter(chamber=chamber, pledged_on__year=year)
    by_form, received, live = {}, {}, {}
    for row in (donations.values("programme_id", "form")
                .annotate(received=Sum("settled_amount"), live=Count("pk", filter=LIVE_DONATION)).order_by()):
        by_form[row["form"]] = by_form.get(row["form"], 0) + row["received"]
        received[row["programme_id"]] = received.get(row["programme_id"], 0) + row["received"]
        live[row["programme_id"]] = live.get(row["programme_id"], 0) + row["live"]

    def ran(programme):
        return programme["starts_on"] <= as_of and (programme["ends_on"] is None or programme["ends_on"] >= start)

    # A programme of the year ran during it or took a donation that stands in it (a gift
    # withdrawn in full does not bring an old programme back).
    programmes = [p for p in Programme.objects.filter(chamber=chamber).values("pk", "name", "starts_on", "ends_on")
                  .order_by("-starts_on", "pk") if live.get(p["pk"]) or ran(p)]
    by_programme = sorted(
        ({"label": p["name"], "amount": _money(received[p["pk"]]), "donations": live[p["pk"]]}
         for p in programmes if live.get(p["pk"])),
        key=lambda row: (-row["amount"], row["label"]))
    # A donor as charity.selectors.donor_totals names one (member, officer, branch giving in
    # its own name, outside donor by name), but over open gifts only: donor_totals and
    # totals_by would put an anonymous gift under its donor's name.
    donor_branch = Case(When(donor_kind=DonorKind.BRANCH, then=F("branch_id")), default=None,
                        output_field=IntegerField())
    donors = (donations.filter(anonymous=False, settled_amount__gt=0).annotate(donor_branch=donor_branch)
              .values("donor_kind", "membership_id", "person_id", "donor_branch", "donor_name")
              .annotate(received=Sum("settled_amount"))
              .order_by("-received", "donor_name", "donor_kind", "membership_id", "person_id", "donor_branch")
              [:TOP_DONORS])
    return {
        "programmes": len(programmes), "donations": sum(live.values()),
        "amount_money": _money(by_form.get(DonationForm.MONEY) or 0),
        "amount_goods": _money(by_form.get(DonationForm.GOODS) or 0),
        "by_programme": by_programme,
        "top_donors": [{"name": row["donor_name"], "amount": _money(row["received"])} for row in donors],
    }


def _dues(chamber, year):
    """The `dues` section from members.dues.selectors.dues_year_totals (one query). The rate
    is collected / (invoiced − waived): a waiver is not a failure to collect."""
    totals = dues_year_totals(chamber=chamber, year=year)
    invoiced, collected = _money(totals["invoiced"]), _money(totals["paid"])
    due = invoiced - _money(totals["waived"])
    rate = (collected * 100 / due).quantize(Decimal("0.1")) if due > 0 else None
    return {"invoiced": invoiced, "collected": collected, "outstanding": _money(totals["outstanding"]),
            "rate": rate, "invoices": totals["count"], "paid_invoices": totals["counts"]["paid"]}


def _evaluations(chamber, year, as_of):
    """Ratings held during the year (read across the wall, only rows naming this chamber) and
    grades awarded in the year by this chamber as a federation: two queries."""
    start = datetime.date(year, 1, 1)
    held = (rating_list_for_subject_chamber(chamber=chamber).filter(awarded_on__lte=as_of, valid_until__gte=start)
            .exclude(status=RatingStatus.REVOKED).order_by("-awarded_on", "scheme__name", "pk"))
    awarded = (Rating.objects.filter(chamber=chamber, awarded_on__gte=start, awarded_on__lte=as_of)
               .exclude(status=RatingStatus.REVOKED).values("scheme__name", "level", "grade_label")
               .annotate(n=Count("pk")).order_by("scheme__name", "-level", "grade_label"))
    return {
        "held": [{"scheme": r.scheme.name, "grade": r.grade_label, "awarded_by": r.awarded_by or r.chamber.name,
                  "awarded_on": r.awarded_on, "valid_until": r.valid_until, "status": str(r.get_status_display())}
                 for r in held],
        "awarded": [{"scheme": row["scheme__name"], "grade": row["grade_label"], "count": row["n"]} for row in awarded],
    }


def _requests(chamber, year):
    """The `requests` section from request_year_figures (two queries). Typical cases are the
    problems solved (item 10): a typical case closed as unresolvable is left out; at most
    ITEM_LIMIT of them."""
    figures = request_year_figures(chamber=chamber, year=year)
    typical = [r for r in figures["typical_cases"] if r.status == RequestStatus.RESOLVED][:ITEM_LIMIT]
    return {
        "raised": figures["raised"], "resolved": figures["resolved"], "unresolvable": figures["unresolvable"],
        "open": figures["open"], "average_rating": figures["average_rating"],
        "by_category": [{"label": str(row["label"]), "raised": row["raised"], "resolved": row["resolved"]}
                        for row in figures["by_category"]],
        "typical_cases": [{"title": r.title, "category": str(r.get_category_display()), "closed_on": r.closed_on,
                           "resolution": r.typical_summary} for r in typical],
    }


# --- The report --------------------------------------------------------------------------------

def annual_report_figures(*, chamber, year, report=None, today=None):
    """Everything `chamber`'s annual report for `year` prints, as plain values (see the
    contract in the module docstring). `report`: the chamber's AnnualReport for the year, or
    None (no summary, no denominator, nothing confirmed). Labels are in the active language."""
    today = today or timezone.localdate()
    as_of = min(datetime.date(year, 12, 31), today)
    confirmed = set(report.none_confirmed or []) if report is not None else set()

    members, branches, trades = member_figures(chamber=chamber, year=year, as_of=as_of)
    organisations = organisation_figures(chamber=chamber, year=year, as_of=as_of, branches=branches, trades=trades,
                                         report=report)
    party_members = party_figures(chamber=chamber)
    representatives = representative_figures(chamber=chamber, year=year)
    events = _events(chamber, year)
    work = _work_records(chamber, year, as_of, confirmed)
    requests = _requests(chamber, year)
    charity = _charity(chamber, year, as_of)
    charity["activities"] = events["charity_activities"]

    indicators = _indicators(members=members, organisations=organisations, party_members=party_members,
                             representatives=representatives, events=events, work=work, requests=requests,
                             charity=charity)
    return {
        "year": year,
        "as_of": as_of,
        "chamber": _chamber(chamber),
        "summary": report.summary if report is not None else "",
        "indicators": indicators,
        "members": members,
        "officers": officer_figures(chamber=chamber, as_of=as_of),
        "evaluations": _evaluations(chamber, year, as_of),
        "events": events["section"],
        "requests": requests,
        "charity": {key: charity[key] for key in ("programmes", "activities", "donations", "amount_money",
                                                  "amount_goods", "by_programme", "top_donors")},
        "dues": _dues(chamber, year),
    }


def _indicators(*, members, organisations, party_members, representatives, events, work, requests, charity):
    """The statistics form's 17 items, in its order."""
    count, achieved = work["count"], work["achieved"]
    body_labels, medium_labels = dict(ProposalBody.choices), dict(Medium.choices)
    manager_classes, manager_people = events["manager_training"]
    training_classes, training_people = events["training"]
    dialogue_events, dialogue_participants, dialogue_items = events["dialogues"]
    market = events["market"]
    investment_events, investment_deals, investment_amount = events["investment"]
    projects, projects_amount = work["investment"]
    records = _("From the work records kept through the year.")
    held = _("From the events held in the year and their recorded outcomes.")
    return [
        _indicator(1, "honours", _("Honours received at provincial level and above"), [
            _figure("count", _("Honours at provincial level and above"), work["honours"], "items"),
        ], records, work["items"][WorkRecordKind.HONOUR]),
        _indicator(2, "members", _("New members and total members"), [
            _figure("new", _("New members"), members["new"], "members"),
            _figure("total", _("Total members"), members["total"], "members"),
            _figure("left", _("Members who left"), members["left"], "members"),
        ], _("From the roster: join and leaving dates.")),
        _indicator(3, "organisations", _("Industry organisations, trades covered and coverage"), [
            _figure("industry", _("Industry organisations"), organisations["industry"], "organisations"),
            _figure("out_of_town", _("Out-of-town chambers"), organisations["out_of_town"], "organisations"),
            _figure("trades", _("Trades covered (GB/T 4754 divisions)"), organisations["trades"], "trades"),
            _figure("above_size_members", _("Members above designated size"), organisations["above_size_members"],
                    "enterprises"),
            _figure("coverage", _("Coverage of enterprises above designated size"), organisations["coverage"],
                    "percent"),
        ], _("From the branches, affiliated chambers, members' industry codes and annual figures.")),
        _indicator(4, "party", _("Party building"), [
            _figure("party_organisations", _("Party organisations"), organisations["party_organisations"],
                    "organisations"),
            _figure("party_members", _("Party members"), party_members, "persons"),
        ], _("From the party branches and the political affiliation of the chamber's people.")),
        _indicator(5, "manager_training", _("Senior-manager training classes and people trained"), [
            _figure("classes", _("Classes held"), manager_classes, "classes"),
            _figure("people", _("People trained"), manager_people, "attendances"),
        ], held),
        _indicator(6, "training", _("Trainings for private enterprises and people trained"), [
            _figure("classes", _("Classes held"), training_classes, "classes"),
            _figure("people", _("People trained"), training_people, "attendances"),
        ], held),
        _indicator(7, "representatives", _("Representative figures"), [
            _figure("people", _("People holding a representative post"), representatives["people"], "persons"),
        ] + [_figure(seat["key"], seat["label"], seat["value"], "persons") for seat in representatives["seats"]],
            _("From the representative posts of the chamber's people.")),
        _indicator(8, "representative_honours", _("Honours of representative figures"), [
            _figure("count", _("Honours received"), representatives["honours_count"], "items"),
        ], _("From the honours recorded for the chamber's people."), representatives["honours"][:ITEM_LIMIT]),
        _indicator(9, "dialogues", _("Government–enterprise communication"), [
            _figure("events", _("Dialogues held"), dialogue_events, "events"),
            _figure("participants", _("Participants"), dialogue_participants, "attendances"),
        ], held, dialogue_items),
        _indicator(10, "requests", _("Problems solved for enterprises"), [
            _figure("resolved", _("Problems solved"), requests["resolved"], "pieces"),
            _figure("raised", _("Requests raised"), requests["raised"], "pieces"),
        ], _("From the members' requests closed in the year."),
            [{"title": case["title"], "detail": "{} · {}".format(case["category"], _day(case["closed_on"]))}
             for case in requests["typical_cases"]]),
        _indicator(11, "markets", _("Market expansion and trade activities"), [
            _figure("domestic_events", _("Activities at home"), market["domestic"]["events"], "events"),
            _figure("domestic_deals", _("Deals signed at home"), market["domestic"]["deals"], "deals"),
            _figure("domestic_amount", _("Amount of deals at home"), market["domestic"]["amount"], "cny"),
            _figure("abroad_events", _("Activities abroad"), market["abroad"]["events"], "events"),
            _figure("abroad_deals", _("Deals signed abroad"), market["abroad"]["deals"], "deals"),
            _figure("abroad_amount", _("Amount of deals abroad"), market["abroad"]["amount"], "cny"),
        ], _("From study tours and other events that recorded deals signed.")),
        _indicator(12, "investment", _("Investment attracted"), [
            _figure("events", _("Investment promotion events"), investment_events, "events"),
            _figure("deals", _("Deals signed"), investment_deals, "deals"),
            _figure("amount", _("Amount of deals signed"), investment_amount, "cny"),
            _figure("projects", _("Projects attracted"), projects, "projects"),
            _figure("projects_amount", _("Amount of projects attracted"), projects_amount, "cny"),
        ], _("From investment promotion events and the investment projects recorded.")),
        _indicator(13, "charity", _("Charity (Guangcai) projects and donations"), [
            _figure("programmes", _("Charity programmes"), charity["programmes"], "programmes"),
            _figure("activities", _("Charity activities"), charity["activities"], "events"),
            _figure("amount_money", _("Money donated"), charity["amount_money"], "cny"),
            _figure("amount_goods", _("Goods donated (valued)"), charity["amount_goods"], "cny"),
        ], _("From the charity programmes and the donations pledged in the year (amounts received).")),
        _indicator(14, "research", _("Research reports"), [
            _figure("count", _("Research reports"), count(WorkRecordKind.RESEARCH_REPORT), "reports"),
            _figure("achieved", _("Endorsed or adopted"), achieved(WorkRecordKind.RESEARCH_REPORT), "reports"),
        ], records, work["items"][WorkRecordKind.RESEARCH_REPORT]),
        _indicator(15, "proposals", _("Proposals and motions to the congress and CPPCC"), [
            _figure("count", _("Proposals and motions"), count(WorkRecordKind.PROPOSAL), "pieces"),
            _figure("achieved", _("Adopted"), achieved(WorkRecordKind.PROPOSAL), "pieces"),
        ] + [_figure(body, label, work["bodies"][body], "pieces") for body, label in body_labels.items()
             if work["bodies"].get(body)], records, work["items"][WorkRecordKind.PROPOSAL]),
        _indicator(16, "analysis", _("Private-economy and industry analysis reports"), [
            _figure("count", _("Analysis reports"), count(WorkRecordKind.ANALYSIS_REPORT), "reports"),
        ], records),
        _indicator(17, "publicity", _("Publicity in the media"), [
            _figure("count", _("Articles and reports"), count(WorkRecordKind.PUBLICITY), "articles"),
        ] + [_figure(medium, label, work["media"][medium], "articles") for medium, label in medium_labels.items()
             if work["media"].get(medium)], records, work["items"][WorkRecordKind.PUBLICITY]),
    ]
