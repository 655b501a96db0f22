"""The scale data set (`manage.py seed_scale`): 2,000 chambers and 1,000,000 members under
one federation, with a year of everything a chamber records, written in bulk.

Layout (docs: scale contract of issue 11):

- the federation `scale-fed` supervises chambers `scale-0000` … (`scale-0000` is the
  largest, 20,000 members by default; the others share the rest evenly);
- per chamber: the default ranks and the audit entry `chamber_create` writes, a branch
  tree (with its audit entries, as `branch_create` writes them), members (enterprise,
  contact person with ID number and mobile, contact, membership, one or two branch links),
  a term with a few dozen officers, events (one per hundred members, at least four) with
  registrations and outcomes, member requests with notes, a charity programme with
  donations and their receipts, a year of dues invoices with payments and waivers, and the
  number series those numbers came from;
- at the federation: one closed star-rating campaign with a submission and a rating per
  chamber; a user `scale-admin` with the admin role in `scale-0000` and `scale-fed`.

Why not the services: a million members through the per-row services would take a day.
Rows are generated here with their primary keys taken from the tables' sequences up front,
so parents and children are written in one pass per table: `COPY … FROM STDIN` on
PostgreSQL (several times faster than multi-row INSERTs), `executemany` elsewhere (the
small runs of the tests on SQLite). Chambers are built in groups, one transaction per
group, so an interrupted run leaves whole chambers behind and the next run carries on.
Every value derives from the chamber's and the member's number, so two builds are the same
data set.
"""
import datetime
import functools
import io
import json
import secrets
import time
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from branches.models import Branch
from branches.services import BRANCH_FIELDS
from chamber import bench
from chamber.audit import snapshot
from chamber.crypto import encrypt, id_number_digest
from chamber.demo import USCC_SOCIAL, make_id_number, make_uscc
from chamber.models import AuditEntry, Chamber, ChamberKind, NumberSeries, RoleKind
from chamber.numbering import number_format
from chamber.services import chamber_create, role_grant
from charity.models import Donation, DonationEntry, DonorKind, Programme
from evaluations.models import (
    Campaign,
    CampaignStage,
    GradeRule,
    Indicator,
    Rating,
    Scheme,
    SchemeKind,
    SchemeVersion,
    Submission,
    SubmissionStatus,
)
from events.models import Event, EventOutcome, MemberRequest, Registration, RequestNote
from members.models import (
    Contact,
    DuesEntry,
    DuesInvoice,
    Enterprise,
    FeeRate,
    FeeSchedule,
    Membership,
    MembershipBranch,
    OfficerPosition,
    Person,
    Post,
    Rank,
    Term,
)
from members.services import DEFAULT_RANKS, pinyin_initials

# What enterprise_create / person_create store: the initials of the whole name (a polyphone
# reads by its neighbours, so the parts' initials joined are not always the same). There
# are only some 38,400 enterprise and 4,800 person names, so each is worked out once.
initials = functools.lru_cache(maxsize=None)(pinyin_initials)

PREFIX = "scale-"
FEDERATION_SLUG = "scale-fed"
ADMIN_USERNAME = "scale-admin"
DEFAULT_CHAMBERS = 2_000
DEFAULT_MEMBERS = 1_000_000
DEFAULT_LARGEST = 20_000
GROUP_MEMBERS = 20_000  # members per transaction (one group of chambers)
GROUP_CHAMBERS = 100
ID_BLOCK = 5_000

# A fixed calendar, so the data set does not depend on the day it was built.
YEAR = 2026
REFERENCE = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
TERM_STARTS = datetime.date(2024, 12, 1)
CAMPAIGN_NAME = "2026年度星级商会考评"

DUES_RATES = {"president": Decimal("50000"), "executive-president": Decimal("30000"),
              "vice-president": Decimal("20000"), "standing-council": Decimal("10000"),
              "council": Decimal("5000"), "member": Decimal("2000")}
INVOICED = frozenset({"active", "suspended", "lapsed"})
EVENT_KINDS = ("seminar", "training", "manager_training", "study_tour_domestic", "study_tour_abroad",
               "investment_promotion", "job_fair", "policy_briefing", "government_dialogue", "charity_activity")
TRAINING = frozenset({"seminar", "training", "manager_training"})
REQUEST_CATEGORIES = ("financing", "legal", "land", "labour", "policy", "tax", "permits", "market", "technology",
                      "other")
REQUEST_STATUSES = ("new",) * 3 + ("in_progress",) * 2 + ("resolved",) * 4 + ("unresolvable",)
OFFICER_POSTS = (Post.PRESIDENT, Post.EXECUTIVE_PRESIDENT, Post.STANDING_VICE_PRESIDENT,
                 Post.STANDING_VICE_PRESIDENT, Post.SECRETARY_GENERAL, Post.CHIEF_SUPERVISOR)
STAR_LABELS = {3: "三星级", 4: "四星级", 5: "五星级"}


# --- Helpers the benchmarks use -------------------------------------------------------------

def chamber_slug(index):
    return f"{PREFIX}{index:04d}"


def scale_chambers():
    """The chambers of the data set (`scale-0000` …), not the federation."""
    return Chamber.objects.filter(slug__regex=r"^scale-[0-9]{4}$")


def largest_chamber():
    return Chamber.objects.filter(slug=chamber_slug(0)).first()


def scale_federation():
    return Chamber.objects.filter(slug=FEDERATION_SLUG).first()


def scale_admin():
    return get_user_model().objects.filter(username=ADMIN_USERNAME).first()


def foreign_chambers():
    """Chambers that are not the data set's own: seed_scale refuses a database holding any."""
    return Chamber.objects.exclude(slug__regex=r"^scale-([0-9]{4}|fed)$")


# --- The plan ---------------------------------------------------------------------------------

@dataclass
class ScalePlan:
    index: int
    slug: str
    name: str
    members: int
    branch_shape: tuple
    division: str
    serial_base: int  # the number of the chamber's first member in the whole data set


def plan(chambers=DEFAULT_CHAMBERS, members=DEFAULT_MEMBERS, largest=DEFAULT_LARGEST):
    """`scale-0000` with `largest` members, the rest of `members` shared evenly by the others."""
    if chambers < 1:
        raise ValueError("at least one chamber")
    largest = members if chambers == 1 else min(largest, members - (chambers - 1))
    others, rest = chambers - 1, members - largest
    if largest < 1 or (others and rest // others < 1):
        raise ValueError("every chamber needs at least one member")
    plans, serial = [], 0
    for i in range(chambers):
        if i == 0:
            n, shape, name = largest, (4, 3, (2, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0)), "规模测试光电产业商会"
        else:
            n = rest // others + (1 if i <= rest % others else 0)
            shape, name = (3, (3, 2, 2)), f"规模测试商会{i:04d}"
        division = bench.DIVISIONS[i % len(bench.DIVISIONS)]
        plans.append(ScalePlan(i, chamber_slug(i), name, n, shape, division, serial))
        serial += n
    return plans


def groups(plans):
    """Consecutive chambers, about GROUP_MEMBERS members per group: one transaction each."""
    group, size = [], 0
    for p in plans:
        if group and (size + p.members > GROUP_MEMBERS or len(group) >= GROUP_CHAMBERS):
            yield group
            group, size = [], 0
        group.append(p)
        size += p.members
    if group:
        yield group


# --- Writing rows -----------------------------------------------------------------------------

def _pg_str(value):
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


# A value in COPY's text format, by its type (str() for the others: int, Decimal).
_PG_TEXT = {
    str: _pg_str,
    type(None): lambda value: "\\N",
    bool: lambda value: "t" if value else "f",
    datetime.date: datetime.date.isoformat,
    datetime.datetime: datetime.datetime.isoformat,
    dict: json.dumps,
    list: json.dumps,
}


def _pg_line(row, tail, text=_PG_TEXT, default=str):
    return "\t".join([text.get(type(v), default)(v) for v in row]) + tail


def _sqlite_value(value):
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class Writer:
    """Rows of many tables with their primary keys chosen up front, written table by table.

    `table(model, fields)` returns the list to append rows (tuples in the order of `fields`,
    attribute names such as "chamber_id") to; every other column gets its default (or now
    for auto_now fields, NULL or "" otherwise), worked out once per table.
    """

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self.now = timezone.now()
        self.tables = {}  # model -> (fields, rows); dicts keep the order parents came first
        self.pools = {}  # table -> primary keys taken from its sequence, not used yet
        self.next_id = {}  # SQLite: table -> next free key

    def ids(self, model, count):
        """`count` new primary keys of `model`'s table: from its sequence on PostgreSQL, taken
        in blocks of at least ID_BLOCK (a round trip per chamber and table cost more than the
        COPY itself); unused ones are a gap in the sequence, as after a rollback."""
        if count <= 0:
            return []
        table = model._meta.db_table
        pool = self.pools.setdefault(table, [])
        if len(pool) < count:
            with connection.cursor() as cursor:
                if self.postgres:
                    cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                                   [table, max(count - len(pool), ID_BLOCK)])
                    pool.extend(row[0] for row in cursor.fetchall())
                else:  # one process: the highest key written or handed out so far, plus one
                    if table not in self.next_id:
                        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
                        self.next_id[table] = cursor.fetchone()[0] + 1
                    first = self.next_id[table]
                    self.next_id[table] = first + count - len(pool)
                    pool.extend(range(first, self.next_id[table]))
        taken = pool[:count]
        del pool[:count]
        return taken

    def table(self, model, fields):
        if model not in self.tables:
            self.tables[model] = (tuple(fields), [])
        assert self.tables[model][0] == tuple(fields), model
        return self.tables[model][1]

    def _constant(self, field):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return self.now
        if field.has_default():
            value = field.get_default()
            return json.dumps(value) if isinstance(field, models.JSONField) else value
        if field.null:
            return None
        if isinstance(field, (models.CharField, models.TextField, models.FileField)):
            return ""
        raise ValueError(f"{field.model.__name__}.{field.name} needs a value")

    # Seconds spent writing each table over the whole run (printed at the end: where the time goes).
    seconds = {}

    def flush(self):
        for model, (fields, rows) in self.tables.items():
            if rows:
                started = time.perf_counter()
                self._write(model, fields, rows)
                label = model._meta.label
                Writer.seconds[label] = Writer.seconds.get(label, 0) + time.perf_counter() - started
        self.tables = {}

    def _write(self, model, fields, rows):
        given = set(fields)
        # An auto primary key left out is the database's to give (audit entries, number series).
        rest = [f for f in model._meta.concrete_fields
                if f.attname not in given and not (f.primary_key and isinstance(f, models.AutoField))]
        columns = [model._meta.get_field(name).column for name in fields] + [f.column for f in rest]
        constants = [self._constant(f) for f in rest]
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            if self.postgres:
                tail = "".join("\t" + _PG_TEXT.get(type(c), str)(c) for c in constants) + "\n"
                buffer = io.StringIO()
                buffer.writelines(_pg_line(row, tail) for row in rows)
                buffer.seek(0)
                cursor.copy_expert(f"COPY {table} ({quoted}) FROM STDIN", buffer)
            else:
                placeholders = ", ".join(["%s"] * len(columns))
                constants = [_sqlite_value(c) for c in constants]
                cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})",
                                   [[_sqlite_value(v) for v in row] + constants for row in rows])


# --- One chamber ------------------------------------------------------------------------------

def _audit(w, chamber_id, target_type, target_id, target_repr, changes):
    w.table(AuditEntry, ("chamber_id", "actor_id", "actor_label", "action", "target_type", "target_id",
                         "target_repr", "changes")).append(
        (chamber_id, None, "", "create", target_type, str(target_id), target_repr[:200], json.dumps(changes)))


def _chambers(w, group, federation_id):
    """The chamber rows, their default ranks and audit entries: what chamber_create writes."""
    ids = w.ids(Chamber, len(group))
    rows = w.table(Chamber, ("id", "name", "short_name", "slug", "kind", "uscc", "division_code",
                             "supervising_federation_id", "founded_on"))
    rank_rows = w.table(Rank, ("id", "chamber_id", "code", "name", "order"))
    rank_ids = iter(w.ids(Rank, len(group) * len(DEFAULT_RANKS)))
    ranks = {}
    for p, chamber_id in zip(group, ids):
        rows.append((chamber_id, p.name, p.name[:60], p.slug, ChamberKind.INDUSTRY,
                     make_uscc(p.division, 90_000_000 + p.index, prefix=USCC_SOCIAL), p.division, federation_id,
                     datetime.date(1990 + p.index % 30, 1 + p.index % 12, 1)))
        ranks[p.index] = {}
        for order, (code, name) in enumerate(DEFAULT_RANKS):
            rank_id = next(rank_ids)
            rank_rows.append((rank_id, chamber_id, code, name, (order + 1) * 10))
            ranks[p.index][code] = (rank_id, name)
        _audit(w, chamber_id, "chamber.chamber", chamber_id, p.name, {})
    return ids, ranks


def _branches(w, p, chamber_id):
    """The branch tree of `p.branch_shape` (see chamber.bench._branches), with paths and audit entries."""
    specs, level = [], [None]  # (parent index or None, depth, name, code)
    for depth, spec in enumerate(p.branch_shape):
        next_level = []
        for i, parent in enumerate(level):
            count = (spec[i] if i < len(spec) else 0) if isinstance(spec, tuple) else spec
            for j in range(count):
                parent_name = specs[parent][2] if parent is not None else ""
                name = f"{parent_name}{'分会' if depth == 0 else '专委会' if depth == 1 else '小组'}{j + 1}"
                specs.append((parent, depth + 1, name[-60:], f"B{depth + 1}-{len(specs) + 1:02d}"))
                next_level.append(len(specs) - 1)
        level = next_level
    ids = w.ids(Branch, len(specs))
    rows = w.table(Branch, ("id", "chamber_id", "parent_id", "path", "depth", "name", "kind", "code"))
    paths = []
    for k, (parent, depth, name, code) in enumerate(specs):
        paths.append(f"{paths[parent] if parent is not None else ''}{ids[k]}/")
        kind = "branch" if depth == 1 else "committee"
        rows.append((ids[k], chamber_id, ids[parent] if parent is not None else None, paths[k], depth, name, kind,
                     code))
        shown = snapshot(Branch(name=name, kind=kind, code=code), BRANCH_FIELDS)
        _audit(w, chamber_id, "branches.branch", ids[k], name, {k2: [None, v] for k2, v in shown.items()})
    return ids


def _members(w, p, chamber_id, ranks, branch_ids):
    """Enterprises, contact people, contacts, memberships and branch links; returns the members."""
    m = p.members
    e_ids, pe_ids, c_ids, ms_ids = (w.ids(model, m) for model in (Enterprise, Person, Contact, Membership))
    enterprises = w.table(Enterprise, ("id", "chamber_id", "name", "name_initials", "uscc", "legal_representative",
                                       "industry_code", "division_code", "address", "founded_on", "employees"))
    # COPY bypasses the model: the ID number goes in encrypted, with its digest (chamber/crypto.py).
    people = w.table(Person, ("id", "chamber_id", "name", "name_initials", "gender", "mobile", "id_number",
                              "id_number_digest", "birth_date"))
    contacts = w.table(Contact, ("id", "chamber_id", "enterprise_id", "person_id", "title", "is_primary"))
    memberships = w.table(Membership, ("id", "chamber_id", "kind", "enterprise_id", "rank_id", "name",
                                       "member_number", "joined_on", "left_on", "status"))
    links = []
    members = []  # (membership id, enterprise id, person id, name, mobile, status, rank code, first branch)
    nb = len(branch_ids)
    for n in range(m):
        serial = p.serial_base + n
        name, _parts_initials, industry = bench.enterprise_name(p.index * 1_000_003 + n)
        name_initials = initials(name)
        division = bench.DIVISIONS[(p.index + n) % len(bench.DIVISIONS)]
        person, _parts_initials, gender = bench.person_name(serial * 31 + 7)
        person_initials = initials(person)
        # (birth date, sequence) differs for every n below 40 × 500 = 20,000 in a chamber;
        # the sequence is odd for men and even for women, as on a real card.
        born = datetime.date(1960 + (n // 500) % 40, 1 + (n * 7) % 12, 1 + (n * 11) % 28)
        mobile = f"13{serial % 10**9:09d}"
        enterprises.append((e_ids[n], chamber_id, name, name_initials, make_uscc(division, serial), person, industry,
                            division, f"{bench.STREETS[n % len(bench.STREETS)]}{n % 500 + 1}号",
                            datetime.date(1995 + n % 28, 1 + n % 12, 1 + n % 28), 10 + (serial * 13) % 2000))
        id_number = make_id_number(division, born, (n % 500) * 2 + (gender == "male"))
        people.append((pe_ids[n], chamber_id, person, person_initials, gender, mobile,
                       encrypt(id_number), id_number_digest(id_number), born))
        contacts.append((c_ids[n], chamber_id, e_ids[n], pe_ids[n], "总经理", True))
        status = bench._pick(bench.STATUSES, n * 7 + 3)
        rank = bench._pick(bench.RANKS, n * 13 + 5)
        memberships.append((ms_ids[n], chamber_id, "enterprise", e_ids[n], ranks[rank][0], name,
                            "" if status == "applied" else f"M{n + 1:06d}",
                            None if status == "applied" else datetime.date(2008 + n % 18, 1 + n % 12, 1 + (n * 7) % 28),
                            datetime.date(2025, 1 + n % 12, 1) if status == "left" else None, status))
        first = branch_ids[n % nb]
        links.append((chamber_id, ms_ids[n], first))
        if n % 5 == 0 and branch_ids[(n * 7 + 3) % nb] != first:  # one member in five is in a second branch
            links.append((chamber_id, ms_ids[n], branch_ids[(n * 7 + 3) % nb]))
        members.append((ms_ids[n], e_ids[n], pe_ids[n], name, mobile, status, rank, first))
    rows = w.table(MembershipBranch, ("id", "chamber_id", "membership_id", "branch_id"))
    rows.extend((link_id, *link) for link_id, link in zip(w.ids(MembershipBranch, len(links)), links))
    return members


def _series(w, chamber_id, series, year, last):
    if last:
        w.table(NumberSeries, ("chamber_id", "series", "year", "last")).append((chamber_id, series, year, last))


def _officers(w, p, chamber_id, members):
    """A current term with a few dozen officers (members' contact people, for their enterprises)."""
    term_id = w.ids(Term, 1)[0]
    w.table(Term, ("id", "chamber_id", "ordinal", "name", "starts_on", "ends_on", "elected_on")).append(
        (term_id, chamber_id, 8, "第八届理事会", TERM_STARTS, TERM_STARTS.replace(year=TERM_STARTS.year + 5),
         TERM_STARTS))
    chosen = [mb for mb in members if mb[5] == "active"][:24 + p.members // 1000]
    rows = w.table(OfficerPosition, ("id", "chamber_id", "term_id", "person_id", "enterprise_id", "post",
                                     "starts_on"))
    for k, (officer_id, mb) in enumerate(zip(w.ids(OfficerPosition, len(chosen)), chosen)):
        post = OFFICER_POSTS[k] if k < len(OFFICER_POSTS) else (
            Post.VICE_PRESIDENT if k < 16 else Post.STANDING_COUNCIL_MEMBER)
        rows.append((officer_id, chamber_id, term_id, mb[2], mb[1], post, TERM_STARTS))


def _events(w, p, chamber_id, members):
    """One event per hundred members (at least four), the last two ahead; registrations and outcomes."""
    count = max(4, p.members // 100)
    per_event = min(30, len(members), max(3, p.members // 20))
    step = max(1, 700 // count)
    event_ids = w.ids(Event, count)
    events = w.table(Event, ("id", "chamber_id", "title", "kind", "starts_at", "ends_at", "place", "capacity",
                             "status"))
    registrations = w.table(Registration, ("id", "chamber_id", "event_id", "membership_id", "attendee_name",
                                           "attendee_mobile", "status", "code", "registered_at", "checked_in_at",
                                           "cancelled_at"))
    outcomes = w.table(EventOutcome, ("id", "chamber_id", "event_id", "participants", "people_trained",
                                      "deals_signed", "deals_amount", "scope", "summary"))
    reg_ids = iter(w.ids(Registration, count * per_event))
    outcome_ids = iter(w.ids(EventOutcome, sum(1 for e in range(count) if e % 3 and e < count - 2)))
    for e, event_id in enumerate(event_ids):
        kind = EVENT_KINDS[(p.index + e) % len(EVENT_KINDS)]
        starts = REFERENCE + datetime.timedelta(days=step * (e - (count - 2)), hours=e % 5)
        held = e < count - 2
        events.append((event_id, chamber_id, f"{p.name[-8:]}活动{e + 1:03d}", kind, starts,
                       starts + datetime.timedelta(hours=3), f"商会大厦{e % 12 + 1}楼会议室",
                       None if e % 4 == 0 else 60, "held" if held else "open"))
        start = (e * 7919) % len(members)
        for j in range(per_event):
            mb = members[(start + j) % len(members)]
            reg_id = next(reg_ids)
            cancelled = j % 20 == 19
            registrations.append((
                reg_id, chamber_id, event_id, mb[0], mb[3][:60], mb[4], "cancelled" if cancelled else "confirmed",
                f"S{reg_id:011d}", starts - datetime.timedelta(days=5),
                starts if held and not cancelled and j % 5 else None,
                starts - datetime.timedelta(days=2) if cancelled else None))
        if held and e % 3:
            outcomes.append((next(outcome_ids), chamber_id, event_id, per_event - per_event // 20,
                             per_event if kind in TRAINING else None, e % 4 or None,
                             Decimal(100_000 * (e % 7)) if e % 4 else None,
                             "abroad" if kind == "study_tour_abroad" else "domestic", "取得预期成效。"))


def _requests(w, p, chamber_id, members):
    count = max(3, p.members // 50)
    requests = w.table(MemberRequest, ("id", "chamber_id", "membership_id", "source", "category", "title",
                                       "description", "due_on", "status", "closed_on", "rating", "is_typical",
                                       "typical_summary", "created_at"))
    notes = []
    for n, request_id in enumerate(w.ids(MemberRequest, count)):
        mb = members[(n * 104729) % len(members)]
        status = REQUEST_STATUSES[(n * 3) % len(REQUEST_STATUSES)]  # every status, even among three
        created = REFERENCE - datetime.timedelta(days=n % 700, hours=n % 24)
        closed = status in ("resolved", "unresolvable")
        typical = status == "resolved" and n % 97 == 0
        category = REQUEST_CATEGORIES[n % len(REQUEST_CATEGORIES)]
        requests.append((request_id, chamber_id, mb[0], ("portal", "visit", "staff")[n % 3], category,
                         f"{category}诉求{n + 1:05d}", "企业反映的问题与诉求。",
                         (REFERENCE + datetime.timedelta(days=(n % 90) - 30)).date(), status,
                         (created + datetime.timedelta(days=20)).date() if closed else None,
                         (n % 5) + 1 if status == "resolved" and n % 3 == 0 else None, typical,
                         "协调解决" if typical else "", created))
        if status != "new":
            notes.append((chamber_id, request_id, "已受理。", "new", status, created + datetime.timedelta(days=1)))
    rows = w.table(RequestNote, ("id", "chamber_id", "request_id", "text", "status_from", "status_to", "created_at"))
    rows.extend((note_id, *note) for note_id, note in zip(w.ids(RequestNote, len(notes)), notes))


def _charity(w, p, chamber_id, members):
    """One programme; one donation per ten members, most received (with a receipt), some half, some pledged."""
    programme_id = w.ids(Programme, 1)[0]
    starts = datetime.date(YEAR - 1, 1 + p.index % 12, 1)
    w.table(Programme, ("id", "chamber_id", "name", "kind", "goal_amount", "starts_on")).append(
        (programme_id, chamber_id, "规模测试公益助学项目", "education", Decimal(1_000_000 * (1 + p.index % 5)), starts))
    count = max(3, p.members // 10)
    donations = w.table(Donation, ("id", "chamber_id", "programme_id", "donor_kind", "membership_id", "branch_id",
                                   "donor_name", "amount", "settled_amount", "written_off_amount", "pledged_on",
                                   "created_at"))
    entries, receipts = [], {}
    for n, donation_id in enumerate(w.ids(Donation, count)):
        mb = members[(n * 7919) % len(members)]
        amount = Decimal(100 * (1 + (n * 31) % 500))
        roll = n % 10
        received = amount if roll < 8 else (amount / 2 if roll == 8 else Decimal(0))
        pledged = starts + datetime.timedelta(days=n % 600)
        donations.append((donation_id, chamber_id, programme_id, DonorKind.MEMBER, mb[0], mb[7], mb[3], amount,
                          received, Decimal(0), pledged, datetime.datetime.combine(pledged, REFERENCE.timetz())))
        if received:
            receipts[pledged.year] = receipts.get(pledged.year, 0) + 1
            entries.append((chamber_id, donation_id, "settlement", received, pledged, "bank_transfer",
                            number_format("donation_receipt", pledged.year, receipts[pledged.year])))
    rows = w.table(DonationEntry, ("id", "chamber_id", "donation_id", "kind", "amount", "occurred_on", "method",
                                   "number"))
    rows.extend((entry_id, *entry) for entry_id, entry in zip(w.ids(DonationEntry, len(entries)), entries))
    for year, last in receipts.items():
        _series(w, chamber_id, "donation_receipt", year, last)


def _dues(w, p, chamber_id, ranks, members):
    """The year's fee schedule and one invoice per current member: 70 % paid, 10 % half paid,
    5 % waived, the rest open; payments carry receipt numbers, as dues_pay gives them."""
    schedule_id = w.ids(FeeSchedule, 1)[0]
    due_on = datetime.date(YEAR, 3, 31)
    w.table(FeeSchedule, ("id", "chamber_id", "year", "due_on", "grace_days")).append(
        (schedule_id, chamber_id, YEAR, due_on, 90))
    rates = w.table(FeeRate, ("id", "chamber_id", "schedule_id", "rank_id", "amount"))
    for rate_id, (code, (rank_id, _name)) in zip(w.ids(FeeRate, len(ranks)), ranks.items()):
        rates.append((rate_id, chamber_id, schedule_id, rank_id, DUES_RATES[code]))
    billed = [mb for mb in members if mb[5] in INVOICED]
    invoices = w.table(DuesInvoice, ("id", "chamber_id", "membership_id", "schedule_id", "year", "number",
                                     "rank_name", "issued_on", "due_on", "amount", "settled_amount",
                                     "written_off_amount"))
    entries, receipt = [], 0
    issued, paid_on, waived_on = datetime.date(YEAR, 1, 10), datetime.date(YEAR, 3, 1), datetime.date(YEAR, 4, 1)
    zero = Decimal(0)
    for i, (invoice_id, mb) in enumerate(zip(w.ids(DuesInvoice, len(billed)), billed)):
        amount = DUES_RATES[mb[6]]
        roll = (i * 37 + p.index) % 100
        paid = amount if roll < 70 else (amount / 2 if roll < 80 else zero)
        waived = amount if 80 <= roll < 85 else zero
        invoices.append((invoice_id, chamber_id, mb[0], schedule_id, YEAR, number_format("dues_invoice", YEAR, i + 1),
                         ranks[mb[6]][1], issued, due_on, amount, paid, waived))
        if paid:
            receipt += 1
            entries.append((chamber_id, invoice_id, "settlement", paid, paid_on, "bank_transfer",
                            number_format("dues_receipt", YEAR, receipt), ""))
        if waived:
            entries.append((chamber_id, invoice_id, "write_off", waived, waived_on, "", "", "困难企业减免"))
    rows = w.table(DuesEntry, ("id", "chamber_id", "invoice_id", "kind", "amount", "occurred_on", "method", "number",
                               "reason"))
    rows.extend((entry_id, *entry) for entry_id, entry in zip(w.ids(DuesEntry, len(entries)), entries))
    _series(w, chamber_id, "dues_invoice", YEAR, len(billed))
    _series(w, chamber_id, "dues_receipt", YEAR, receipt)


def build_group(group, federation_id, trusted=False):
    """Every row of the chambers in `group`, in one transaction.

    `trusted` (PostgreSQL): skip the foreign-key triggers for this transaction
    (session_replication_role = replica). The keys come from the sequences a few lines
    earlier, so the checks cannot fail, and at a million members they are a quarter of the
    time (at commit); the tests build with the checks on. CHECK and UNIQUE constraints hold
    either way.
    """
    w = Writer()
    with transaction.atomic():
        if trusted and w.postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        chamber_ids, ranks = _chambers(w, group, federation_id)
        for p, chamber_id in zip(group, chamber_ids):
            branch_ids = _branches(w, p, chamber_id)
            members = _members(w, p, chamber_id, ranks[p.index], branch_ids)
            _officers(w, p, chamber_id, members)
            _events(w, p, chamber_id, members)
            _requests(w, p, chamber_id, members)
            _charity(w, p, chamber_id, members)
            _dues(w, p, chamber_id, ranks[p.index], members)
        w.flush()
    return chamber_ids


# --- The federation ---------------------------------------------------------------------------

def federation_ready():
    federation = scale_federation()
    if federation is None:
        federation = chamber_create(actor=None, name="规模测试市工商业联合会", short_name="规模测试工商联",
                                    slug=FEDERATION_SLUG, kind=ChamberKind.FEDERATION, division_code="320500",
                                    uscc=make_uscc("320500", 99_999_999, prefix=USCC_SOCIAL))
    return federation


def evaluation_ready(federation, log=print):
    """One closed star-rating campaign with a submission and a rating for every chamber that lacks them."""
    with transaction.atomic(), scope(chamber=federation):
        campaign = Campaign.objects.filter(chamber=federation, name=CAMPAIGN_NAME).first()
        if campaign is None:
            campaign = _campaign(federation)
        done = set(Submission.objects.filter(campaign=campaign).values_list("subject_chamber_id", flat=True))
        missing = [(pk, name) for pk, name in scale_chambers().order_by("slug").values_list("pk", "name")
                   if pk not in done]
        if not missing:
            return 0
        w = Writer()
        submissions = w.table(Submission, ("id", "chamber_id", "campaign_id", "subject_chamber_id", "subject_name",
                                           "applied_level", "status", "self_total", "result_total", "ranking",
                                           "grade_level", "grade_label", "applied_at"))
        ratings = w.table(Rating, ("id", "chamber_id", "scheme_id", "version_id", "campaign_id", "submission_id",
                                   "subject_chamber_id", "subject_name", "level", "grade_label", "total",
                                   "awarded_on", "valid_until"))
        awarded = campaign.awarded_on
        for (submission_id, rating_id), (chamber_id, name) in zip(
                zip(w.ids(Submission, len(missing)), w.ids(Rating, len(missing))), missing):
            level = 3 + chamber_id % 3
            total = Decimal(70 + level * 5 + chamber_id % 5)
            submissions.append((submission_id, federation.pk, campaign.pk, chamber_id, name, level,
                                SubmissionStatus.AWARDED, total + 2, total, None, level, STAR_LABELS[level],
                                datetime.datetime(YEAR, 3, 1, tzinfo=REFERENCE.tzinfo)))
            ratings.append((rating_id, federation.pk, campaign.version.scheme_id, campaign.version_id, campaign.pk,
                            submission_id, chamber_id, name, level, STAR_LABELS[level], total, awarded,
                            awarded.replace(year=awarded.year + 3)))
        w.flush()
    log(f"  evaluation: {len(missing)} submissions and ratings")
    return len(missing)


def _campaign(federation):
    scheme = Scheme.objects.create(chamber=federation, kind=SchemeKind.STAR_RATING, name="星级商会考评")
    version = SchemeVersion.objects.create(chamber=federation, scheme=scheme, label=str(YEAR), max_points=Decimal(100),
                                           bonus_cap=Decimal(5), validity_months=36, frozen_at=timezone.now())
    for position, (title, points) in enumerate((("会务", 40), ("硬件", 30), ("发展", 30)), start=1):
        Indicator.objects.create(chamber=federation, version=version, position=position, code=str(position),
                                 title=title, max_points=Decimal(points), sort_key=f"{position:03d}", depth=1)
    for level, total in ((3, 70), (4, 80), (5, 90)):
        GradeRule.objects.create(chamber=federation, version=version, code=f"star_{level}", label=STAR_LABELS[level],
                                 level=level, min_total=Decimal(total))
    return Campaign.objects.create(
        chamber=federation, name=CAMPAIGN_NAME, year=YEAR, version=version, stage=CampaignStage.CLOSED,
        applications_close=datetime.date(YEAR, 3, 15), self_assessment_due=datetime.date(YEAR, 4, 15),
        preliminary_review_due=datetime.date(YEAR, 5, 15), inspection_due=datetime.date(YEAR, 6, 30),
        decision_due=datetime.date(YEAR, 7, 31), published_on=datetime.date(YEAR, 8, 1),
        objection_until=datetime.date(YEAR, 8, 8), awarded_on=datetime.date(YEAR, 8, 15),
    )


def admin_ready(federation, password=None):
    """`scale-admin`, chamber admin of `scale-0000` and the federation; returns (user, new password or None)."""
    user, created = get_user_model().objects.get_or_create(username=ADMIN_USERNAME)
    shown = None
    if password and not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    elif created:
        shown = secrets.token_urlsafe(12)
        user.set_password(shown)
        user.save(update_fields=["password"])
    for chamber in (largest_chamber(), federation):
        if chamber is not None:
            with scope(chamber=chamber):
                role_grant(chamber=chamber, user=user, kind=RoleKind.CHAMBER_ADMIN, actor=None)
    return user, shown


# --- The whole data set -----------------------------------------------------------------------

class PlanMismatch(Exception):
    pass


def drop(log=print):
    """Delete the federation, the chambers and all they own (chamber.bench.delete_chambers)."""
    started = time.perf_counter()
    count = bench.delete_chambers(Chamber.objects.filter(slug__startswith=PREFIX))
    if count:
        log(f"Dropped {count} chambers of the scale data set in {time.perf_counter() - started:.1f} s.")
    return count


def existing_members():
    """{slug: member count} of the chambers already built."""
    counts = dict(Membership.objects.filter(chamber__slug__regex=r"^scale-[0-9]{4}$").values_list("chamber__slug")
                  .annotate(n=models.Count("pk")).values_list("chamber__slug", "n"))
    return {slug: counts.get(slug, 0) for slug in scale_chambers().values_list("slug", flat=True)}


def seed(chambers=DEFAULT_CHAMBERS, members=DEFAULT_MEMBERS, largest=DEFAULT_LARGEST, rebuild=False, password=None,
         log=print, workers=1, trusted=False):
    """Build what is missing of the data set; returns a summary dict. Call with scopes disabled."""
    started = time.perf_counter()
    plans = plan(chambers, members, largest)
    if rebuild:
        drop(log=log)
    existing = existing_members()
    wanted = {p.slug: p.members for p in plans}
    wrong = sorted(slug for slug, n in existing.items() if wanted.get(slug) != n)
    if wrong:
        raise PlanMismatch(
            f"{len(wrong)} chambers of the data set ({', '.join(wrong[:3])}…) do not match --chambers {chambers} "
            f"--members {members} --largest {largest}; run with --rebuild.")
    federation = federation_ready()
    todo = [p for p in plans if p.slug not in existing]
    built_chambers, built_members = build_all(todo, federation.pk, workers=workers, trusted=trusted, log=log,
                                              started=started)
    rated = evaluation_ready(federation, log=log)
    user, shown = admin_ready(federation, password)
    if built_chambers or rated:
        analyze(log=log)
    seconds = time.perf_counter() - started
    return {"chambers": built_chambers, "members": built_members, "ratings": rated, "seconds": seconds,
            "password": shown, "user": user, "federation": federation}


def build_all(todo, federation_id, *, workers=1, trusted=False, log=print, started=None):
    """Build the groups of `todo`; with workers > 1 (PostgreSQL), in that many forked
    processes, each with its own connection, taking every workers-th group: while one
    generates rows in Python the other's COPY runs in PostgreSQL. Returns (chambers, members)."""
    started = started or time.perf_counter()
    batches = list(groups(todo))

    def run(mine):
        done_chambers = done_members = 0
        for group in mine:
            t0 = time.perf_counter()
            build_group(group, federation_id, trusted=trusted)
            done_chambers += len(group)
            done_members += sum(p.members for p in group)
            log(f"  {group[0].slug}…{group[-1].slug}: {sum(p.members for p in group):,} members in "
                f"{time.perf_counter() - t0:.1f} s ({time.perf_counter() - started:.0f} s so far, "
                f"load {bench.load_average()})")
        return done_chambers, done_members

    if workers <= 1 or len(batches) <= 1 or connection.vendor != "postgresql":
        result = run(batches)
        _log_slowest(log)
        return result
    import multiprocessing
    import sys

    from django.db import connections

    connections.close_all()  # the children must not share the parent's socket
    children = []
    for k in range(workers):
        pid = multiprocessing.get_context("fork").Process(target=_child, args=(run, batches[k::workers], log))
        pid.start()
        children.append(pid)
    for child in children:
        child.join()
    failed = [c.exitcode for c in children if c.exitcode]
    if failed:
        raise RuntimeError(f"{len(failed)} of {workers} workers failed (exit codes {failed}); run again to carry on.")
    sys.stdout.flush()
    return len(todo), sum(p.members for p in todo)


def _child(run, mine, log):
    import os
    import sys
    import traceback

    try:
        with scopes_disabled():
            run(mine)
        _log_slowest(log, f"worker {os.getpid()}: ")
    except BaseException:  # noqa: BLE001 - reported to the parent as the exit code
        traceback.print_exc()
        sys.stdout.flush()
        os._exit(1)
    sys.stdout.flush()
    os._exit(0)


def _log_slowest(log, prefix=""):
    slowest = sorted(Writer.seconds.items(), key=lambda item: -item[1])[:8]
    if slowest:
        log(f"  {prefix}writing took longest: " + ", ".join(f"{label} {s:.1f} s" for label, s in slowest))


def analyze(log=print):
    """VACUUM (ANALYZE) every table: statistics for the planner, and a visibility map so
    that index-only scans skip the freshly loaded heap (ANALYZE alone leaves it unset)."""
    started = time.perf_counter()
    # VACUUM cannot run inside a transaction (a test's): ANALYZE alone there.
    statement = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # GIN indexes filled row by row through a bulk load come out loose: the mobile
            # search read one 16 times slower than the same index rebuilt (56 ms vs 3.5 ms).
            # The trigram indexes the database has now (later migrations dropped some).
            cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                           "AND indexdef LIKE '%%gin_trgm_ops%%' ORDER BY indexname")
            for (name,) in cursor.fetchall():
                cursor.execute(f"REINDEX INDEX {connection.ops.quote_name(name)}")
        cursor.execute(statement)
    log(f"{statement} in {time.perf_counter() - started:.1f} s.")
