"""`python manage.py bench_annual_report`: the annual report of a 20,000-member chamber,
compared with the documents issue's target (≤ 20 s). A benchmark, not a test: it prints
figures.

It builds (once) a throwaway chamber `bench-annual` in the bench database with a year's
worth of everything the report reads: 20,000 members through chamber.bench's bulk
builder, their annual figures, a term with 60 officers, 2,000 events with outcomes,
10,000 member requests, two years of dues, 200,000 donations
(the events and money benchmarks' builders), work records. Then it times, warm:

1. the figures alone (`annual_report_figures`: the GROUP BYs), with their query count;
2. the whole report as the worker makes it (`generation.annual_report_render` with the
   cache emptied: figures, template, WeasyPrint, the file stored), target ≤ 20 s;
3. the .xlsx of the same figures.

PostgreSQL only: DATABASE_URL=postgres://postgres@127.0.0.1:5432/chamber_bench
"""
import datetime
import statistics
import time
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled

from chamber import bench, benchtable
from chamber.annual.models import AnnualReport, WorkRecord, WorkRecordKind
from events.models import Event, EventOutcome, MemberRequest
from members.models import AnnualFigures, Membership, OfficerPosition, Person, Post, Term

SLUG = "bench-annual"
MEMBERS = 20_000
OFFICERS = 60
TARGET_S = 20
POSTS = (Post.PRESIDENT, Post.EXECUTIVE_PRESIDENT, Post.STANDING_VICE_PRESIDENT, Post.SECRETARY_GENERAL)


class Command(BaseCommand):
    help = "Time the annual report of a 20,000-member chamber (target ≤ 20 s). PostgreSQL only."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=3, help="Measured runs of each figure (default 3).")
        parser.add_argument("--rebuild", action="store_true", help="Drop bench-annual and build it again.")

    def handle(self, *args, **options):
        bench.migrate_if_needed("bench_annual_report", "chamber_bench", log=self.stdout.write)
        chamber = bench.bench_chamber_ready("bench_annual_report", SLUG, rebuild=options["rebuild"],
                                            complete=self.complete, build=self.build)
        self.measure(chamber, options["runs"])

    # --- building -----------------------------------------------------------------------------

    def complete(self, chamber):
        with scope(chamber=chamber):
            return WorkRecord.objects.filter(chamber=chamber).exists()

    def build(self):
        from chamber.management.commands.bench_money import Command as MoneyBench
        from events.management.commands.bench_events import Command as EventsBench

        started = time.perf_counter()
        plan = bench.ChamberPlan(902, SLUG, "基准测试商会（年报）", MEMBERS, (4, 3, (2, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0)),
                                 "320500")
        with scopes_disabled():
            chamber = bench.build_chamber(plan, serial_base=9_800_000)
        self.stdout.write(f"  {MEMBERS:,} members in {time.perf_counter() - started:.1f} s")
        events_bench, money_bench = EventsBench(stdout=self.stdout), MoneyBench(stdout=self.stdout)
        with transaction.atomic(), scope(chamber=chamber):
            members = list(Membership.objects.filter(chamber=chamber).order_by("pk").values_list("pk", "name"))
            events = events_bench.build_events(chamber)
            # No registrations: the report reads outcomes, and registration codes are unique
            # across the database, where bench_events makes the same ones.
            events_bench.build_requests(chamber, members)
            self.build_outcomes(chamber, events)
            money_bench.build_dues(chamber)
            money_bench.build_charity(chamber)
            self.build_figures(chamber)
            self.build_officers(chamber)
            self.build_records(chamber)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(f"Built {SLUG} in {time.perf_counter() - started:.1f} s.")
        return chamber

    def build_outcomes(self, chamber, events):
        EventOutcome.objects.bulk_create([
            EventOutcome(chamber=chamber, event=e, participants=40 + n % 60,
                         people_trained=30 + n % 40 if e.kind in ("training", "manager_training", "seminar") else None,
                         deals_signed=n % 4 or None, deals_amount=Decimal(100_000 * (n % 7)) if n % 4 else None,
                         scope="abroad" if e.kind == "study_tour_abroad" else "domestic", summary="取得预期成效。")
            for n, e in enumerate(events) if e.status == "held" and n % 3], batch_size=5000)

    def build_figures(self, chamber):
        year = timezone.localdate().year
        enterprises = Membership.objects.filter(chamber=chamber, enterprise__isnull=False).values_list(
            "enterprise_id", flat=True)
        AnnualFigures.objects.bulk_create([
            AnnualFigures(chamber=chamber, enterprise_id=e, year=year, revenue=Decimal(1_000_000 * (1 + e % 60)),
                          tax_paid=Decimal(50_000 * (1 + e % 30)), employees=10 + e % 500)
            for e in enterprises.order_by("enterprise_id")], batch_size=5000)

    def build_officers(self, chamber):
        today = timezone.localdate()
        term = Term.objects.create(chamber=chamber, ordinal=8, name="第八届理事会",
                                   starts_on=today - datetime.timedelta(days=700),
                                   ends_on=today + datetime.timedelta(days=1100))
        people = list(Person.objects.filter(chamber=chamber).order_by("pk")[:OFFICERS])
        OfficerPosition.objects.bulk_create([
            OfficerPosition(chamber=chamber, term=term, person=p, post=POSTS[n] if n < len(POSTS) else
                            (Post.VICE_PRESIDENT if n < 20 else Post.STANDING_COUNCIL_MEMBER), starts_on=term.starts_on)
            for n, p in enumerate(people)])

    def build_records(self, chamber):
        year = timezone.localdate().year
        kinds = list(WorkRecordKind.values)
        WorkRecord.objects.bulk_create([
            WorkRecord(chamber=chamber, kind=kinds[n % len(kinds)], occurred_on=datetime.date(year, 1 + n % 10, 1 + n % 27),
                       title=f"基准工作记录{n + 1:03d}", level="provincial" if n % 2 else "city",
                       body="cppcc" if kinds[n % len(kinds)] == "proposal" else "",
                       medium="newspaper" if kinds[n % len(kinds)] == "publicity" else "",
                       amount=Decimal(5_000_000) if kinds[n % len(kinds)] == "investment" else None,
                       achieved=n % 3 == 0)
            for n in range(120)])
        AnnualReport.objects.create(chamber=chamber, year=year, summary="一年来，商会围绕服务会员企业开展各项工作。" * 5,
                                    above_size_enterprises=30_000)

    # --- measuring ----------------------------------------------------------------------------

    def measure(self, chamber, runs):
        from chamber.annual.workbook import report_xlsx
        from chamber.annual.figures import annual_report_figures
        from chamber.annual.generation import annual_report_render

        year = timezone.localdate().year
        out = self.stdout.write
        with translation.override("zh-hans"), scope(chamber=chamber):
            report = AnnualReport.objects.get(chamber=chamber, year=year)
            members = Membership.objects.filter(chamber=chamber).count()
            requests = MemberRequest.objects.filter(chamber=chamber).count()
            events = Event.objects.filter(chamber=chamber).count()

            def figures():
                return annual_report_figures(chamber=chamber, year=year, report=report)

            figure_times, queries = [], 0
            for _run in range(runs + 1):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    data = figures()
                    figure_times.append(time.perf_counter() - started)
                queries = len(captured)
            figure_times = figure_times[1:]

            def whole():
                AnnualReport.objects.filter(pk=report.pk).update(pdf_digest="")  # the cache emptied
                report.refresh_from_db()
                return annual_report_render(report)

            whole()  # warm: fonts, templates
            render_times, size = [], 0
            for _run in range(runs):
                started = time.perf_counter()
                size = len(whole())
                render_times.append(time.perf_counter() - started)
            xlsx_started = time.perf_counter()
            xlsx_size = len(report_xlsx(data))
            xlsx_s = time.perf_counter() - xlsx_started
        p50 = statistics.median(render_times)
        out("")
        out(f"Machine: {bench.machine_description()}; load {bench.load_average()}; "
            f"PostgreSQL {connection.pg_version // 10000}")
        out(f"Chamber {SLUG}: {members:,} members, {events:,} events, {requests:,} requests; year {year}")
        out(f"Figures alone ({runs} runs): p50 {statistics.median(figure_times):.2f} s, "
            f"max {max(figure_times):.2f} s, {queries} queries")
        out(f"Whole report, cache emptied ({runs} runs): p50 {p50:.2f} s, max {max(render_times):.2f} s, "
            f"{size / 1024:.0f} KB → target ≤ {TARGET_S} s: {'MET' if p50 <= TARGET_S else 'MISSED'}")
        out(f"The same figures as .xlsx: {xlsx_s:.2f} s, {xlsx_size / 1024:.0f} KB")
        benchtable.record("annual report, figures alone", statistics.median(figure_times) * 1000,
                          bench.nearest_rank(figure_times, 95) * 1000, queries, note=f"{members:,} members")
        benchtable.record("annual report, whole PDF (cache emptied)", p50 * 1000,
                          bench.nearest_rank(render_times, 95) * 1000, None, f"≤ {TARGET_S} s", p50 <= TARGET_S,
                          note=f"{members:,} members, {size / 1024:.0f} KB")
