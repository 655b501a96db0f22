"""`python manage.py seed_demo [--password P]`: idempotent demo data with a user per role.

The data (chamber/demo.py) is written through the services, one transaction and one
`scope(chamber=...)` per chamber, and every row is looked up by its natural key first
(chamber slug, enterprise USCC, branch code, term ordinal, username …), so a second run
creates nothing. Two things do change on every run, on purpose:

- the demo users' passwords are reset to --password (so a forgotten one is recovered
  by running the command again);
- the demo API key is rotated: only a digest of a key is stored, so the raw key cannot
  be printed again; the previous demo key is revoked and a new one created and printed
  (one new ApiKey row and two audit entries per run).
"""
import datetime
from collections import Counter

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from branches.models import Branch, ChamberLink
from branches.services import branch_create, branch_update, chamber_link_create
from chamber import demo
from chamber.demo import stable_hash
from chamber.models import ApiKey, Chamber, Role, RoleKind
from chamber.services import api_key_create, api_key_revoke, chamber_create, role_grant
from charity.demo import seed_charity
from evaluations.demo import seed_evaluations
from events.demo import seed_events
from members.dues.demo import seed_dues
from members.models import (
    AnnualFigures,
    Contact,
    Enterprise,
    Liaison,
    Membership,
    MembershipKind,
    MembershipStatus,
    OfficerPosition,
    Person,
    Rank,
    RotatingChair,
    Term,
)
from members.officers import liaison_assign, officer_appoint, rotating_chair_add, term_create
from members.services import (
    annual_figures_set,
    contact_add,
    enterprise_create,
    member_representative_grant,
    membership_change_rank,
    membership_change_status,
    membership_create,
    person_create,
)

CONTACT_TITLES = ("办公室主任", "行政经理", "总经理助理", "董事会秘书", "综合部部长")
POLITICAL = ("cpc", "cpc", "non_party", "masses", "democratic_party", "cpc", "masses")
# Ranks whose legal representatives are entered with an ID number (officers are counted
# as representative figures; plain members rarely give theirs).
RANKS_WITH_ID = {"president", "executive-president", "vice-president", "standing-council", "council"}
RANK_TO_POST = {"standing-council": "standing_council_member", "council": "council_member"}
PAST_STATUSES = {"applied", "left"}


def _date(value):
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _add_months(day, months):
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1, day=1)


class DemoSeeder:
    """Builds (or finds) the demo world; `created` counts what this run added."""

    def __init__(self, password):
        self.password = password
        self.created = Counter()
        self.api_key_raw = None
        self.users = {}

    # --- users --------------------------------------------------------------------------

    def ensure_users(self):
        User = get_user_model()
        with transaction.atomic():
            for username in dict.fromkeys(u[0] for u in demo.DEMO_USERS):
                first, last = demo.DEMO_USER_NAMES.get(username, ("", ""))
                user, created = User.objects.get_or_create(
                    username=username,
                    defaults={"first_name": first, "last_name": last, "email": f"{username}@example.com"},
                )
                if created:
                    self.created["user"] += 1
                # Reset on every run: re-running recovers a forgotten password.
                user.set_password(self.password)
                user.is_active = True
                user.save(update_fields=["password", "is_active"])
                self.users[username] = user
        return self.users

    # --- chambers -----------------------------------------------------------------------

    def run(self):
        self.ensure_users()
        chambers = {}
        for spec in demo.CHAMBERS:
            with transaction.atomic():
                chamber = self.chamber(spec, chambers)
                with scope(chamber=chamber):
                    ChamberSeeder(self, chamber, spec).run()
            chambers[chamber.slug] = chamber
        seed_evaluations(chambers, self.created)
        return chambers

    def chamber(self, spec, chambers):
        fields = dict(spec["chamber"])
        chamber = Chamber.objects.filter(slug=fields["slug"]).first()
        if chamber is not None:
            return chamber
        if fields["kind"] != "federation":
            # Chambers are social organisations (51…); a federation is a people's organisation
            # whose code comes from the staffing office, so none is made up for it.
            fields["uscc"] = demo.make_uscc(fields["division_code"], stable_hash("uscc", fields["slug"]),
                                            demo.USCC_SOCIAL)
        supervisor = spec.get("supervising_federation")
        if supervisor:
            fields["supervising_federation"] = chambers.get(supervisor) or Chamber.objects.get(slug=supervisor)
        self.created["chamber"] += 1
        return chamber_create(actor=None, **fields)


class ChamberSeeder:
    """Everything inside one chamber, run inside its scope and transaction."""

    def __init__(self, seeder, chamber, spec):
        self.seeder, self.chamber, self.spec = seeder, chamber, spec
        self.created = seeder.created
        self.surnames = spec["surnames"]
        self.ranks = {r.code: r for r in Rank.objects.filter(chamber=chamber)}
        self.branches = {}
        self.enterprises = {}   # name -> Enterprise
        self.legal = {}         # enterprise name -> legal representative (Person)
        self.memberships = {}   # enterprise name -> Membership
        self.rows = {row[0]: row for row in spec["enterprises"]}
        self.staff = {}
        self.individuals = {}
        founded = chamber.founded_on or datetime.date(2008, 1, 1)
        self.first_year = founded.year
        self.first_posts = self.first_post_dates()

    def run(self):
        self.make_branches()
        for index, row in enumerate(self.spec["enterprises"], start=1):
            self.make_member_enterprise(index, row)
        for index, row in enumerate(self.spec.get("individuals", ()), start=1):
            self.make_individual(index, row)
        for key, name, female in self.spec.get("staff", ()):
            self.staff[key] = self.person(name, female, demo.make_mobile(self.chamber.slug, "staff", key),
                                          political="cpc")
        self.set_branch_leaders()
        terms = {}
        for term_spec in self.spec.get("terms", ()):
            term = self.make_term(term_spec)
            terms[term.ordinal] = term
        for key in ("rotating_chair", "rotating_chair_2"):
            if key in self.spec:
                self.make_rotating_chair(terms, *self.spec[key])
        if "liaison_officers" in self.spec:
            self.make_liaisons(terms, *self.spec["liaison_officers"])
        for link in self.spec.get("links", ()):
            self.make_link(*link)
        self.grant_roles()
        if self.chamber.kind != "federation":
            # Two years of dues (paid, partial, waived, unpaid, one reversal) and two charity
            # programmes with donations; each seeder skips what exists, so a second run adds nothing.
            treasurer = self.seeder.users.get("demo-treasurer")
            seed_dues(chamber=self.chamber, actor=treasurer)
            seed_charity(chamber=self.chamber, actor=treasurer)
            # Events held and to come, a council meeting with its quorum, visits and requests.
            seed_events(chamber=self.chamber, actor=self.seeder.users.get("demo-secretary"))
        if self.chamber.slug == demo.API_KEY_CHAMBER:
            self.rotate_api_key()

    # --- the branch tree ----------------------------------------------------------------

    def make_branches(self):
        for code, name, kind, parent_code, founded_on, _leader in self.spec.get("branches", ()):
            branch = Branch.objects.filter(chamber=self.chamber, code=code).first()
            if branch is None:
                branch = branch_create(chamber=self.chamber, actor=None, name=name, kind=kind, code=code,
                                       parent=self.branches[parent_code] if parent_code else None,
                                       founded_on=_date(founded_on))
                self.created["branch"] += 1
            self.branches[code] = branch

    def set_branch_leaders(self):
        for code, _name, _kind, _parent, _founded, leader in self.spec.get("branches", ()):
            branch = self.branches[code]
            if leader and branch.leader_id is None and leader in self.legal:
                branch_update(branch=branch, actor=None, leader=self.legal[leader])
                self.created["branch leader set"] += 1

    # --- people -------------------------------------------------------------------------

    def id_number(self, *key, female):
        h = stable_hash("id", self.chamber.slug, *key)
        regions = self.spec["id_regions"]
        born = datetime.date(1960 + h % 28, 1 + (h // 28) % 12, 1 + (h // 336) % 28)
        seq = (h // 9408) % 500 * 2 + (0 if female else 1)
        return demo.make_id_number(regions[h % len(regions)], born, seq)

    def person(self, name, female, mobile, id_number="", political="", user=None):
        qs = Person.objects.filter(chamber=self.chamber)
        found = (qs.with_id_number(self.chamber, id_number).first() if id_number
                 else qs.filter(name=name, mobile=mobile).first())
        if found is not None:
            return found
        self.created["person"] += 1
        return person_create(chamber=self.chamber, actor=None, name=name, mobile=mobile, id_number=id_number,
                             gender="female" if female else "male", political_affiliation=political, user=user)

    def contact(self, enterprise, person, title, is_primary):
        if Contact.objects.filter(chamber=self.chamber, enterprise=enterprise, person=person).exists():
            return
        contact_add(enterprise=enterprise, person=person, actor=None, title=title, is_primary=is_primary)
        self.created["contact"] += 1

    # --- members ------------------------------------------------------------------------

    def first_post_dates(self):
        """{enterprise name: start of the first term in which it holds a post}."""
        firsts = {}
        for _ordinal, _name, starts, _ends, _elected, entries in self.spec.get("terms", ()):
            names = [n for e in entries if e != "ranks" for n in ([e[1]] if isinstance(e[1], str) else e[1])]
            if "ranks" in entries:
                names += [n for n, row in self.rows.items() if row[4] in RANK_TO_POST]
            for name in names:
                if name in self.rows:
                    firsts[name] = min(firsts.get(name, _date(starts)), _date(starts))
        return firsts

    def joined_on(self, name, extra):
        """A join date after the chamber was founded and before the member's first post."""
        if "joined" in extra:
            return _date(extra["joined"])
        h = stable_hash("joined", self.chamber.slug, name)
        last = 2020 if "rank_from" in extra else 2023
        year = self.first_year + h % max(1, last - self.first_year + 1)
        joined = datetime.date(year, 1 + (h // 16) % 12, 1 + (h // 256) % 28)
        founded = self.chamber.founded_on or datetime.date(self.first_year, 1, 1)
        latest = self.first_posts.get(name, joined)
        return max(founded, min(joined, latest))

    def make_member_enterprise(self, index, row):
        name, industry, division, branch_codes, rank_code, extra = row
        slug = self.chamber.slug
        is_group = extra.get("kind") == "group"
        status_spec = extra.get("status")
        status = status_spec[0] if status_spec else "active"
        joined = None if status == "applied" else self.joined_on(name, extra)

        legal_name, legal_female = demo.person_name(self.surnames, slug, name, "legal")
        uscc = demo.make_uscc(division, stable_hash("uscc", name), extra.get("prefix", demo.USCC_ENTERPRISE))
        enterprise = Enterprise.objects.filter(chamber=self.chamber, uscc=uscc).first()
        if enterprise is None:
            revenue, _tax, employees = demo.annual_figures_for(name, rank_code, demo.FIGURE_YEARS[-1])
            h = stable_hash("founded", name)
            latest = (joined.year - 1) if joined else 2024
            founded = datetime.date(max(1993, latest - h % 25), 1 + (h // 32) % 12, 1 + (h // 512) % 28)
            note = demo.INDUSTRY_NOTES.get(industry, "")
            enterprise = enterprise_create(
                chamber=self.chamber, actor=None, name=name, uscc=uscc, legal_representative=legal_name,
                industry_code=industry, division_code=division, address=demo.address_for(division, name),
                founded_on=founded,
                registered_capital=None if is_group else revenue // 20 // 1_000_000 * 1_000_000 + 1_000_000,
                employees=None if is_group else employees,
                description=("团体会员：在浙四川籍企业家组成的地市级商会。" if is_group else f"主营{note}。" if note else ""),
            )
            self.created["enterprise"] += 1
        self.enterprises[name] = enterprise

        # Legal representative (an officer's ID number is on file) and the day-to-day contact.
        legal = self.person(
            legal_name, legal_female, demo.make_mobile(slug, name, "legal"),
            id_number=self.id_number(name, "legal", female=legal_female) if rank_code in RANKS_WITH_ID else "",
            political=POLITICAL[stable_hash("pol", name) % len(POLITICAL)],
        )
        self.legal[name] = legal
        self.contact(enterprise, legal, "会长" if is_group else "董事长", False)
        contact_name, contact_female = demo.person_name(self.surnames, slug, name, "contact")
        user = None
        if (slug, name) == demo.REPRESENTED_ENTERPRISE:
            user = self.seeder.users.get("demo-member")
        contact = self.person(contact_name, contact_female, demo.make_mobile(slug, name, "contact"), user=user)
        title = "秘书长" if is_group else CONTACT_TITLES[stable_hash("title", name) % len(CONTACT_TITLES)]
        self.contact(enterprise, contact, title, True)

        membership = Membership.objects.filter(chamber=self.chamber, enterprise=enterprise).order_by("-pk").first()
        if membership is None:
            membership = self.admit(index, row, enterprise=enterprise, joined=joined, status=status,
                                    kind=MembershipKind.GROUP if is_group else MembershipKind.ENTERPRISE)
        self.memberships[name] = membership

        if status != "applied" and not is_group:
            for year in demo.FIGURE_YEARS:
                if not AnnualFigures.objects.filter(chamber=self.chamber, enterprise=enterprise, year=year).exists():
                    revenue, tax, employees = demo.annual_figures_for(name, rank_code, year)
                    annual_figures_set(enterprise=enterprise, actor=None, year=year, revenue=revenue,
                                       tax_paid=tax, employees=employees)
                    self.created["annual figures"] += 1

    def admit(self, index, row, *, joined, status, kind, enterprise=None, person=None):
        """Create the membership and replay its history (promotion, suspension, leaving)."""
        name, _industry, _division, branch_codes, rank_code, extra = row
        rank_from = extra.get("rank_from")
        membership = membership_create(
            chamber=self.chamber, actor=None, kind=kind, enterprise=enterprise, person=person,
            rank=self.ranks[rank_from[0] if rank_from else rank_code],
            branches=[self.branches[c] for c in branch_codes],
            member_number="" if status == "applied" else f"{self.spec['member_prefix']}-{joined.year}-{index:03d}",
            joined_on=joined,
            status=MembershipStatus.APPLIED if status == "applied" else MembershipStatus.ACTIVE,
            reason="" if status == "applied" else "经理事会审议通过入会。",
        )
        self.created["membership"] += 1
        if rank_from:
            membership_change_rank(membership=membership, actor=None, rank=self.ranks[rank_code],
                                   reason=rank_from[2], effective_on=_date(rank_from[1]))
        status_spec = extra.get("status")
        if status_spec and status not in ("applied", "active"):
            membership_change_status(membership=membership, actor=None, status=status,
                                     reason=status_spec[2], effective_on=_date(status_spec[1]))
        return membership

    def make_individual(self, index, row):
        name, female, branch_codes, joined = row
        slug = self.chamber.slug
        person = self.person(name, female, demo.make_mobile(slug, name, "individual"),
                             id_number=self.id_number(name, "individual", female=female),
                             political=POLITICAL[stable_hash("pol", name) % len(POLITICAL)])
        self.individuals[name] = person
        if Membership.objects.filter(chamber=self.chamber, person=person).exists():
            return
        row = (name, "", "", branch_codes, "member", {"joined": joined})
        self.admit(100 + index, row, joined=_date(joined), status="active", kind=MembershipKind.INDIVIDUAL,
                   person=person)

    # --- officers -----------------------------------------------------------------------

    def lineup(self, entries):
        """Expand a term's line-up into (post, person, enterprise) triples."""
        named = {who for entry in entries if entry != "ranks"
                 for who in ([entry[1]] if isinstance(entry[1], str) else entry[1])}
        for entry in entries:
            if entry == "ranks":
                for name, row in self.rows.items():
                    status = (row[5].get("status") or ("active",))[0]
                    if row[4] in RANK_TO_POST and name not in named and status not in PAST_STATUSES:
                        yield RANK_TO_POST[row[4]], self.legal[name], self.enterprises[name]
                continue
            post, who = entry
            if not isinstance(who, str):
                for name in who:
                    yield post, self.legal[name], self.enterprises[name]
            elif who.startswith("staff:"):
                yield post, self.staff[who[6:]], None
            elif who.startswith("individual:"):
                yield post, self.individuals[who[11:]], None
            else:
                yield post, self.legal[who], self.enterprises[who]

    def make_term(self, term_spec):
        ordinal, name, starts, ends, elected, entries = term_spec
        term = Term.objects.filter(chamber=self.chamber, ordinal=ordinal).first()
        if term is None:
            term = term_create(chamber=self.chamber, actor=None, ordinal=ordinal, name=name, starts_on=_date(starts),
                               ends_on=_date(ends), elected_on=_date(elected))
            self.created["term"] += 1
        past = term.ends_on < timezone.localdate()
        for post, person, enterprise in self.lineup(entries):
            exists = OfficerPosition.objects.filter(chamber=self.chamber, term=term, person=person, post=post,
                                                    branch=None).exists()
            if not exists:
                officer_appoint(term=term, actor=None, person=person, post=post, enterprise=enterprise,
                                ends_on=term.ends_on if past else None)
                self.created["officer position"] += 1
        return term

    def position_of(self, term, enterprise_name):
        return (OfficerPosition.objects.filter(chamber=self.chamber, term=term,
                                               enterprise=self.enterprises[enterprise_name])
                .order_by("pk").first())

    def make_rotating_chair(self, terms, ordinal, first_day, periods, names):
        term = terms[ordinal]
        start = _date(first_day)
        for i in range(periods):
            name = names[i % len(names)]
            if start > term.ends_on:
                break
            end = min(_add_months(start, 2) - datetime.timedelta(days=1), term.ends_on)
            if not RotatingChair.objects.filter(chamber=self.chamber, term=term, starts_on=start).exists():
                rotating_chair_add(term=term, actor=None, position=self.position_of(term, name),
                                   starts_on=start, ends_on=end)
                self.created["rotating chair period"] += 1
            start = _add_months(start, 2)

    def make_liaisons(self, terms, ordinal, officer_names):
        """Share the ordinary members among the officers, round robin (会长联系会员制度)."""
        term = terms[ordinal]
        officers = [self.position_of(term, name) for name in officer_names]
        candidates = [
            name for name, row in self.rows.items()
            if name not in officer_names and row[4] in ("member", "council")
            and (row[5].get("status") or ("active",))[0] not in PAST_STATUSES
        ]
        for i, name in enumerate(candidates):
            membership = self.memberships[name]
            if Liaison.objects.filter(chamber=self.chamber, officer__term=term, membership=membership).exists():
                continue
            liaison_assign(officer=officers[i % len(officers)], membership=membership, actor=None)
            self.created["liaison"] += 1

    def make_link(self, kind, partner_name, started_on, branch_code, note):
        if ChamberLink.objects.filter(chamber=self.chamber, kind=kind, partner_name=partner_name).exists():
            return
        chamber_link_create(chamber=self.chamber, actor=None, kind=kind, partner_name=partner_name,
                            started_on=_date(started_on), branch=self.branches.get(branch_code), note=note)
        self.created["chamber link"] += 1

    # --- access -------------------------------------------------------------------------

    def grant_roles(self):
        for username, kind, slug, branch_code in demo.DEMO_USERS:
            if slug != self.chamber.slug:
                continue
            user = self.seeder.users[username]
            if kind == RoleKind.MEMBER_REPRESENTATIVE:
                enterprise = self.enterprises[demo.REPRESENTED_ENTERPRISE[1]]
                if member_representative_grant(enterprise=enterprise, user=user, actor=None):
                    self.created["role"] += 1
                continue
            branch = self.branches[branch_code] if branch_code else None
            if not Role.objects.filter(chamber=self.chamber, user=user, kind=kind, branch=branch).exists():
                role_grant(chamber=self.chamber, user=user, kind=kind, branch=branch, actor=None)
                self.created["role"] += 1

    def rotate_api_key(self):
        """Revoke the previous demo key and create a new one: only its digest is stored."""
        for key in ApiKey.objects.filter(chamber=self.chamber, name=demo.API_KEY_NAME, revoked_at__isnull=True):
            api_key_revoke(key=key, actor=None)
        _key, raw = api_key_create(chamber=self.chamber, actor=None, name=demo.API_KEY_NAME)
        self.seeder.api_key_raw = raw


class Command(BaseCommand):
    help = (
        "Create the demo data (four chambers drawn from the seed reports, a user per role, and a "
        "read-only API key) and print how to sign in. Idempotent: a second run creates nothing, "
        "except that it resets the demo users' passwords to --password and rotates the demo API "
        "key (the previous 'demo roster client' key is revoked and a new one printed, because "
        "only a digest of a key is stored)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", default=demo.DEFAULT_PASSWORD,
                            help="Password for every demo user (default: %(default)s).")
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="Base URL shown in the summary.")

    def handle(self, *args, password, url, **options):
        seeder = DemoSeeder(password=password)
        chambers = seeder.run()
        self.print_summary(seeder, chambers, password, url.rstrip("/") + "/")

    def print_summary(self, seeder, chambers, password, url):
        out = self.stdout.write
        made = ", ".join(f"{n} {what}" for what, n in sorted(seeder.created.items())) or "nothing new"
        out(self.style.SUCCESS(f"Demo data ready. This run created: {made}."))
        out("")
        out(f"URL: {url}")
        rows = [("username", "role", "chamber", "password")]
        for username, kind, slug, branch_code in demo.DEMO_USERS:
            chamber = chambers[slug]
            where = f"{chamber.name} ({slug})"
            if branch_code:
                with scope(chamber=chamber):
                    where += " / " + Branch.objects.get(chamber=chamber, code=branch_code).name
            if kind == RoleKind.MEMBER_REPRESENTATIVE:
                where += " / " + demo.REPRESENTED_ENTERPRISE[1]
            rows.append((username, kind, where, password))
        widths = [max(_width(r[i]) for r in rows) for i in range(3)]
        for row in rows:
            out("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3])
        out("")
        key = seeder.api_key_raw
        api_chamber = chambers[demo.API_KEY_CHAMBER]
        out(f'API key "{demo.API_KEY_NAME}" (read-only roster, {api_chamber.name}): {key}')
        out("  (rotated on every run: the key printed by an earlier run no longer works)")
        out(f'curl -H "Authorization: Api-Key {key}" {url}api/v1/chambers/{api_chamber.slug}/members/')


def _width(text):
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text, width):
    return text + " " * (width - _width(text))
