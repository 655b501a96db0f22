"""`python manage.py bench_money`: time the arrears list and the charity programme totals.

A benchmark, not a test: it prints figures and compares them with the money issue's
targets — for a chamber of 20,000 members and 200,000 donation rows, the arrears list and
the programme totals each in ≤ 150 ms p50 on PostgreSQL. It builds (once) a throwaway
chamber `bench-money` in the bench database: members through chamber.bench's bulk
builder, two years of dues invoices with payments, waivers and unpaid ones, 20 charity
programmes with 200,000 donations and their receipts. The ledger's rows are bulk-inserted
with their running totals already summed (the same totals ledger_settle keeps), since
posting 400,000 entries one by one would take an hour.

It times the selectors the pages use (`dues_arrears_list` cut to a page of 50 with its
count, `programme_totals`) and the pages themselves through Django's test client.
See docs/benchmarks.md.
"""
import datetime
import statistics
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.core.paginator import Paginator
from django.db import connection, transaction
from django_scopes import scope, scopes_disabled

from chamber import bench, benchtable
from chamber.models import Role, RoleKind
from chamber.numbering import number_format
from charity.models import Donation, DonationEntry, DonorKind, Programme
from members.models import DuesEntry, DuesInvoice, FeeRate, FeeSchedule, Membership, MembershipBranch, Rank

SLUG = "bench-money"
TARGET_MS = 150
MEMBERS = 20_000
DONATIONS = 200_000
PROGRAMMES = 20
BATCH = 5000
YEARS = (2025, 2026)
RATES = {"president": "50000", "executive-president": "30000", "vice-president": "20000",
         "standing-council": "10000", "council": "5000", "member": "2000"}
KINDS = ("disaster_relief", "poverty_alleviation", "education", "elder_care", "rural_revitalisation")


class Command(BaseCommand):
    help = (
        "Build (once) a chamber `bench-money` with 20,000 members, two years of dues and 200,000 donations, then "
        "print p50/p95 and queries of the arrears list and the programme totals (target ≤ 150 ms p50). "
        "PostgreSQL only: DATABASE_URL=postgres://…/chamber_bench."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=30, help="Measured runs per figure (default 30).")
        parser.add_argument("--rebuild", action="store_true", help="Drop bench-money and build it again.")

    def handle(self, *args, **options):
        chamber = bench.bench_chamber_ready("bench_money", SLUG, rebuild=options["rebuild"], complete=self.complete,
                                            build=self.build)
        self.measure(chamber, options["runs"])

    # --- building -----------------------------------------------------------------------------

    def complete(self, chamber):
        with scope(chamber=chamber):
            return Donation.objects.filter(chamber=chamber).count() == DONATIONS

    def build(self):
        started = time.perf_counter()
        plan = bench.ChamberPlan(900, SLUG, "基准测试商会（财务）", MEMBERS, (4, 3, (2, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0)), "320500")
        with scopes_disabled():
            chamber = bench.build_chamber(plan, serial_base=9_000_000)
        self.stdout.write(f"  {MEMBERS:,} members in {time.perf_counter() - started:.1f} s")
        with transaction.atomic(), scope(chamber=chamber):
            self.build_dues(chamber)
            self.stdout.write(f"  dues in {time.perf_counter() - started:.1f} s")
            self.build_charity(chamber)
        with connection.cursor() as cursor:
            for model in (Membership, MembershipBranch, DuesInvoice, DuesEntry, Donation, DonationEntry, Programme):
                cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')
        self.stdout.write(f"Built {SLUG} in {time.perf_counter() - started:.1f} s.")
        return chamber

    def build_dues(self, chamber):
        ranks = {r.pk: r for r in Rank.objects.filter(chamber=chamber)}
        members = list(Membership.objects.filter(chamber=chamber, status__in=("active", "suspended", "lapsed"))
                       .order_by("name", "pk").values_list("pk", "rank_id"))
        for year in YEARS:
            schedule = FeeSchedule.objects.create(chamber=chamber, year=year, due_on=datetime.date(year, 3, 31),
                                                  grace_days=90)
            FeeRate.objects.bulk_create([FeeRate(chamber=chamber, schedule=schedule, rank=r, amount=Decimal(RATES[r.code]))
                                         for r in ranks.values() if r.code in RATES])
            invoices, entries = [], []
            for i, (member_id, rank_id) in enumerate(members):
                amount = Decimal(RATES.get(ranks[rank_id].code, "2000"))
                # 2025: mostly paid; 2026: a third unpaid, some partial, a few waived.
                roll = (i * 37 + year) % 100
                paid = amount if roll < (85 if year == 2025 else 55) else (amount / 2 if roll < 75 else Decimal(0))
                waived = amount - paid if 75 <= roll < 80 else Decimal(0)
                invoices.append(DuesInvoice(
                    chamber=chamber, membership_id=member_id, schedule=schedule, year=year,
                    number=number_format("dues_invoice", year, i + 1), rank_name=ranks[rank_id].name,
                    issued_on=datetime.date(year, 1, 10), due_on=schedule.due_on, amount=amount,
                    settled_amount=paid, written_off_amount=waived,
                ))
            DuesInvoice.objects.bulk_create(invoices, batch_size=BATCH)
            receipt = 0
            for invoice in invoices:
                if invoice.settled_amount:
                    receipt += 1
                    entries.append(DuesEntry(chamber=chamber, invoice=invoice, kind="settlement",
                                             amount=invoice.settled_amount, occurred_on=datetime.date(year, 3, 1),
                                             number=number_format("dues_receipt", year, receipt), method="bank_transfer"))
                if invoice.written_off_amount:
                    entries.append(DuesEntry(chamber=chamber, invoice=invoice, kind="write_off",
                                             amount=invoice.written_off_amount, occurred_on=datetime.date(year, 4, 1),
                                             reason="困难企业减免"))
            DuesEntry.objects.bulk_create(entries, batch_size=BATCH)

    def build_charity(self, chamber):
        members = list(Membership.objects.filter(chamber=chamber).order_by("pk").values_list("pk", "name"))
        first_branch = dict(MembershipBranch.objects.filter(chamber=chamber).order_by("membership_id", "pk")
                            .values_list("membership_id", "branch_id").distinct())
        programmes = Programme.objects.bulk_create([
            Programme(chamber=chamber, name=f"基准公益项目{i + 1:02d}", kind=KINDS[i % len(KINDS)],
                      goal_amount=Decimal(1_000_000 * (1 + i % 5)), starts_on=datetime.date(2016 + i % 10, 1 + i % 12, 1))
            for i in range(PROGRAMMES)
        ])
        receipt_numbers = {}
        for start in range(0, DONATIONS, BATCH):
            donations = []
            for n in range(start, min(start + BATCH, DONATIONS)):
                member_id, name = members[(n * 7919) % len(members)]
                amount = Decimal(100 * (1 + (n * 31) % 500))
                roll = n % 10
                received = amount if roll < 8 else (amount / 2 if roll == 8 else Decimal(0))
                programme = programmes[n % PROGRAMMES]
                donations.append(Donation(
                    chamber=chamber, programme=programme, donor_kind=DonorKind.MEMBER, membership_id=member_id,
                    branch_id=first_branch.get(member_id), donor_name=name, amount=amount, settled_amount=received,
                    pledged_on=programme.starts_on + datetime.timedelta(days=n % 700),
                ))
            Donation.objects.bulk_create(donations, batch_size=BATCH)
            entries = []
            for donation in donations:
                if donation.settled_amount:
                    year = min(donation.pledged_on.year, 2026)
                    receipt_numbers[year] = receipt_numbers.get(year, 0) + 1
                    entries.append(DonationEntry(
                        chamber=chamber, donation=donation, kind="settlement", amount=donation.settled_amount,
                        occurred_on=donation.pledged_on, method="bank_transfer",
                        number=number_format("donation_receipt", year, receipt_numbers[year]),
                    ))
            DonationEntry.objects.bulk_create(entries, batch_size=BATCH)

    # --- measuring ----------------------------------------------------------------------------

    def measure(self, chamber, runs):
        from django.conf import settings
        from django.test import Client, override_settings

        from charity.selectors import programme_totals
        from members.dues.selectors import dues_arrears_list

        out = self.stdout.write
        load, calibration = bench.load_average(), bench.calibration_ms()
        with scope(chamber=chamber):
            counts = {
                "members": Membership.objects.filter(chamber=chamber).count(),
                "invoices": DuesInvoice.objects.filter(chamber=chamber).count(),
                "donations": Donation.objects.filter(chamber=chamber).count(),
                "receipts": DonationEntry.objects.filter(chamber=chamber).count(),
            }

            def arrears_page():
                page = Paginator(dues_arrears_list(chamber=chamber), 50).page(3)
                return page.paginator.count, list(page.object_list)

            def totals():
                return programme_totals(chamber=chamber)

            rows = [("arrears list, page of 50 + count", *bench.time_calls(arrears_page, runs)),
                    ("programme totals", *bench.time_calls(totals, runs))]
            arrears = arrears_page()[0]

        user, _created = get_user_model().objects.get_or_create(username="bench-money-treasurer")
        with scopes_disabled():
            Role.objects.get_or_create(chamber=chamber, user=user, kind=RoleKind.TREASURER, branch=None)
        client = Client(HTTP_HOST="localhost", raise_request_exception=False)
        client.force_login(user)
        with override_settings(DEBUG=False, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "localhost"]):
            for label, path in (("dues overview page", f"/c/{SLUG}/members/dues/"),
                                ("charity programmes page", f"/c/{SLUG}/charity/")):
                statuses = []

                def get(path=path, statuses=statuses):
                    statuses.append(client.get(path).status_code)

                rows.append((label + " (whole HTML)", *bench.time_calls(get, max(5, runs // 3))))
                if set(statuses) != {200}:
                    raise CommandError(f"{path} answered {sorted(set(statuses))}")

        out("")
        out(f"Money on “{chamber.name}” ({SLUG}): {counts['members']:,} members, {counts['invoices']:,} dues invoices "
            f"({arrears:,} with arrears), {counts['donations']:,} donations, {counts['receipts']:,} donation receipts")
        out(f"Machine: {bench.machine_description()}; load {load}; calibration loop {calibration:.0f} ms; "
            f"PostgreSQL {connection.pg_version // 10000}")
        out(f"{'figure':<40} {'runs':>5} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}  target")
        for label, times, queries in rows:
            p50 = statistics.median(times)
            p95 = bench.nearest_rank(times, 95)
            verdict = "MET" if p50 <= TARGET_MS else "MISSED"
            out(f"{label:<40} {len(times):>5} {p50:>8.1f} {p95:>8.1f} {'/'.join(map(str, sorted(queries))):>8}  "
                f"≤ {TARGET_MS} ms p50 → {verdict}")
            benchtable.record(f"money: {label}", p50, p95, queries, f"p50 ≤ {TARGET_MS} ms", p50 <= TARGET_MS,
                              note=f"{counts['members']:,} members, {counts['donations']:,} donations")
