"""`python manage.py bench_evaluations`: time ranking and grading a large campaign.

A benchmark, not a test: it prints figures and compares them with the target of the
evaluations issue — a campaign of 2,000 subjects × 23 sub-items × 3 reviewers ranked
and graded in ≤ 1 s on PostgreSQL. It builds (once) a throwaway federation `bench-eval`
holding such a campaign, then times `campaign_compute_results` several times:

- "decision": the sheets carry the totals stored when they were submitted, the
  submissions' results, grades and ranks are cleared first (outside the timing): the
  computation on entering the decision stage, writing 2,000 submissions;
- "cold": every sheet's stored totals cleared too, so each run also rewrites 8,000
  sheets (the worst case; scoring stores a sheet's totals when it is submitted);
- "repeat": nothing changed since the last run: everything is computed, nothing written
  (a recompute after one reopened sheet is close to this).

See docs/benchmarks.md.
"""
import datetime
import hashlib
import statistics
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import CharField, Count, Value
from django.db.models.functions import Cast, Concat
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from branches.models import Branch, BranchKind
from branches.services import branch_create
from chamber import bench, benchtable
from chamber.models import Chamber, ChamberKind
from chamber.services import chamber_create
from evaluations.models import (
    Campaign,
    CampaignStage,
    GradeRule,
    Indicator,
    Rating,
    Scheme,
    SchemeKind,
    SchemeVersion,
    ScoreEntry,
    ScoreSheet,
    ScoringMode,
    SheetKind,
    Submission,
    SubmissionStatus,
)
from evaluations.results import campaign_compute_results

SLUG = "bench-eval"
CAMPAIGN = "基准测试星级考评"
PAGE_TARGET_MS = 150  # issue 11's target for a page, p50
TARGET_MS = 1000
DISTRICTS = 10
BATCH = 5000
DECISION_DUE = datetime.date(2026, 12, 10)
# The Nanjing rubric's shape: three aspects, 14 items, 23 sub-items (seed 001).
ASPECTS = (("会务", (2, 2, 2, 2, 1)), ("硬件", (2, 1, 2, 1)), ("发展", (1, 2, 2, 1, 2)))
# Points of the 23 sub-items (sum 100); promoting the local economy and society is 20.
LEAF_POINTS = [4] * 11 + [20] + [4] * 7 + [2] * 4
FACTORS = (Decimal("1"), Decimal("1"), Decimal("0.95"), Decimal("0.9"), Decimal("0.85"), Decimal("0.8"),
           Decimal("0.75"), Decimal("0.6"))


class Command(BaseCommand):
    help = (
        "Build (once) a campaign of 2,000 subjects × 23 sub-items × 3 reviewers in a throwaway federation "
        "`bench-eval` and print p50/p95 time and queries of campaign_compute_results (target ≤ 1 s). "
        "PostgreSQL only: DATABASE_URL=postgres://…/chamber_bench."
    )

    def add_arguments(self, parser):
        parser.add_argument("--subjects", type=int, default=2000)
        parser.add_argument("--reviewers", type=int, default=3, help="Reviewer sheets per subject (default 3).")
        parser.add_argument("--runs", type=int, default=10, help="Measured runs per scenario (default 10).")
        parser.add_argument("--rebuild", action="store_true", help="Drop the bench-eval federation and build it again.")
        parser.add_argument("--allow-other-data", action="store_true",
                            help="Run even though the database holds chambers that are not bench chambers.")

    def handle(self, *args, **options):
        self.check_database(options)
        with scopes_disabled():
            existing = Chamber.objects.filter(slug=SLUG).first()
        if existing and options["rebuild"]:
            self.drop(existing)
            existing = None
        campaign = self.find_campaign(existing, options)
        if campaign is None:
            if existing:
                self.drop(existing)
            campaign = self.build(options)
        self.measure(campaign, options)
        self.measure_pages(campaign, options)

    # --- the database ------------------------------------------------------------------------

    def check_database(self, options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "bench_evaluations runs on PostgreSQL only (this is %s): the target is about the production "
                "database. Set DATABASE_URL, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/chamber_bench "
                "(create it with: createdb -h 127.0.0.1 -U postgres chamber_bench)." % connection.vendor
            )
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            tables = connection.introspection.table_names()
            if Chamber._meta.db_table in tables and bench.foreign_chambers().exists() and not options["allow_other_data"]:
                raise CommandError(f"{len(pending)} migrations are not applied; run `manage.py migrate` first.")
            self.stdout.write(f"Applying {len(pending)} migrations to the bench database …")
            call_command("migrate", interactive=False, verbosity=0)
        with scopes_disabled():
            others = bench.foreign_chambers().count()
        if others and not options["allow_other_data"]:
            raise CommandError(
                f"This database holds {others} chambers that are not bench chambers. Point DATABASE_URL at a "
                "dedicated database (chamber_bench), or pass --allow-other-data."
            )

    def find_campaign(self, federation, options):
        """The bench campaign when it exists with the size asked for, else None."""
        if federation is None:
            return None
        with scope(chamber=federation):
            campaign = Campaign.objects.filter(chamber=federation, name=CAMPAIGN).select_related(
                "version__scheme", "chamber").first()
            if campaign is None:
                return None
            subjects = Submission.objects.filter(chamber=federation, campaign=campaign).count()
            sheets = ScoreSheet.objects.filter(chamber=federation, submission__campaign=campaign,
                                               kind=SheetKind.REVIEWER).count()
        if subjects != options["subjects"] or sheets != subjects * options["reviewers"]:
            self.stdout.write(f"The bench campaign has {subjects} subjects and {sheets} reviewer sheets; rebuilding.")
            return None
        return campaign

    def drop(self, federation):
        started = time.perf_counter()
        with transaction.atomic(), scopes_disabled():
            # Children before parents; everything the federation owns goes with it.
            Rating.objects.filter(chamber=federation).delete()
            ScoreEntry.objects.filter(chamber=federation).delete()
            ScoreSheet.objects.filter(chamber=federation).delete()
            Submission.objects.filter(chamber=federation).delete()
            Campaign.objects.filter(chamber=federation).delete()
            Indicator.objects.filter(chamber=federation).update(parent=None)
            Scheme.objects.filter(chamber=federation).delete()
            Branch.objects.filter(chamber=federation).update(parent=None)
            Branch.objects.filter(chamber=federation).delete()
            federation.delete()
        self.stdout.write(f"Dropped {SLUG} in {time.perf_counter() - started:.1f} s.")

    # --- building ----------------------------------------------------------------------------

    def build(self, options):
        started = time.perf_counter()
        subjects, per_subject = options["subjects"], options["reviewers"]
        with scopes_disabled():
            federation = chamber_create(actor=None, name="基准测试工商联（考评）", slug=SLUG,
                                        kind=ChamberKind.FEDERATION, division_code="320100")
        User = get_user_model()
        reviewers = [User.objects.get_or_create(username=f"bench-eval-reviewer-{i}")[0] for i in range(1, per_subject + 1)]
        with transaction.atomic(), scope(chamber=federation):
            version, leaves = self.build_rubric(federation)
            branches = self.build_subjects(federation, subjects)
            campaign = Campaign.objects.create(
                chamber=federation, name=CAMPAIGN, year=DECISION_DUE.year, version=version, stage=CampaignStage.INSPECTION,
                applications_close=DECISION_DUE - datetime.timedelta(days=150),
                self_assessment_due=DECISION_DUE - datetime.timedelta(days=120),
                preliminary_review_due=DECISION_DUE - datetime.timedelta(days=90),
                inspection_due=DECISION_DUE - datetime.timedelta(days=20), decision_due=DECISION_DUE,
            )
            submissions = Submission.objects.bulk_create([
                Submission(chamber=federation, campaign=campaign, subject_branch=b, subject_name=b.name,
                           applied_level=5 if i % 3 == 0 else 4, status=SubmissionStatus.SCORED)
                for i, b in enumerate(branches)
            ], batch_size=BATCH)
            self.build_ratings(federation, version.scheme, branches)
            self.build_sheets(federation, submissions, reviewers, leaves)
        with connection.cursor() as cursor:
            for model in (Branch, Submission, ScoreSheet, ScoreEntry, Rating, Indicator):
                cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')
        self.stdout.write(f"Built {SLUG}: {subjects:,} subjects, {subjects * per_subject:,} reviewer sheets and "
                          f"{subjects:,} self-assessments, {subjects * (per_subject + 1) * len(leaves):,} scores, "
                          f"in {time.perf_counter() - started:.1f} s.")
        with scope(chamber=federation):
            return Campaign.objects.select_related("version__scheme", "chamber").get(pk=campaign.pk)

    def build_rubric(self, federation):
        scheme = Scheme.objects.create(chamber=federation, kind=SchemeKind.STAR_RATING, name="星级基层商会考评（基准）")
        version = SchemeVersion.objects.create(chamber=federation, scheme=scheme, label="基准", max_points=Decimal("100"),
                                               bonus_cap=Decimal("5"), validity_months=36,
                                               frozen_at=timezone.now())
        points = iter(LEAF_POINTS)
        leaves = []
        for a, (aspect_title, items) in enumerate(ASPECTS, start=1):
            aspect = _indicator(version, f"{aspect_title}", None, a, f"{a}")
            for i, leaf_count in enumerate(items, start=1):
                item = _indicator(version, f"{aspect_title}第{i}项", aspect, i, f"{a}.{i}")
                for k in range(1, leaf_count + 1):
                    leaves.append(_indicator(version, f"{aspect_title}第{i}项第{k}目", item, k, f"{a}.{i}.{k}",
                                             max_points=Decimal(next(points))))
        for level, code, label, minimum, requires in ((3, "three_star", "三星级", 70, None),
                                                       (4, "four_star", "四星级", 80, 3), (5, "five_star", "五星级", 90, 4)):
            GradeRule.objects.create(chamber=federation, version=version, code=code, label=label, level=level,
                                     min_total=Decimal(minimum), requires_level=requires,
                                     requires_held_days=365 if requires else 0)
        return version, leaves

    def build_subjects(self, federation, count):
        """Street chambers under ten districts; paths are set in one UPDATE per district."""
        branches = []
        per_district = -(-count // DISTRICTS)
        for d in range(DISTRICTS):
            district = branch_create(chamber=federation, actor=None, name=f"第{d + 1}片区", kind=BranchKind.BRANCH,
                                     code=f"D{d + 1:02d}")
            n = min(per_district, count - len(branches))
            created = Branch.objects.bulk_create([
                Branch(chamber=federation, parent=district, depth=2, path=f"tmp/{d}/{k}/", kind=BranchKind.TOWNSHIP,
                       name=f"第{d + 1}片区第{k + 1:03d}街道商会") for k in range(n)
            ], batch_size=BATCH)
            Branch.objects.filter(pk__in=[b.pk for b in created]).update(
                path=Concat(Value(district.path), Cast("pk", CharField()), Value("/")))
            branches.extend(created)
        return branches

    def build_ratings(self, federation, scheme, branches):
        """Seven in ten subjects hold three stars for two years, three in ten four stars for 400 days."""
        rows = []
        for i, b in enumerate(branches):
            if i % 10 < 7:
                awarded = DECISION_DUE - datetime.timedelta(days=730)
                rows.append(Rating(chamber=federation, scheme=scheme, subject_branch=b, subject_name=b.name, level=3,
                                   grade_label="三星级", awarded_on=awarded,
                                   valid_until=awarded + datetime.timedelta(days=1095), awarded_by="区工商联"))
            if i % 10 < 3:
                awarded = DECISION_DUE - datetime.timedelta(days=400)
                rows.append(Rating(chamber=federation, scheme=scheme, subject_branch=b, subject_name=b.name, level=4,
                                   grade_label="四星级", awarded_on=awarded,
                                   valid_until=awarded + datetime.timedelta(days=1095)))
        Rating.objects.bulk_create(rows, batch_size=BATCH)

    def build_sheets(self, federation, submissions, reviewers, leaves):
        now = timezone.now()
        sheets = []
        for s in submissions:
            sheets.append(ScoreSheet(chamber=federation, submission=s, kind=SheetKind.SELF, submitted_at=now))
            sheets.extend(ScoreSheet(chamber=federation, submission=s, kind=SheetKind.REVIEWER, reviewer=r,
                                     submitted_at=now) for r in reviewers)
        sheets = ScoreSheet.objects.bulk_create(sheets, batch_size=BATCH)
        entries = []
        for sheet in sheets:
            for leaf in leaves:
                digest = hashlib.blake2b(f"{sheet.pk}:{leaf.pk}".encode(), digest_size=2).digest()
                factor = FACTORS[digest[0] % len(FACTORS)]
                entries.append(ScoreEntry(chamber=federation, sheet=sheet, indicator=leaf,
                                          points=(leaf.max_points * factor).quantize(Decimal("0.01")),
                                          reason="" if factor == 1 else "扣分"))
            if len(entries) >= BATCH:
                ScoreEntry.objects.bulk_create(entries)
                entries = []
        ScoreEntry.objects.bulk_create(entries)

    # --- measuring ---------------------------------------------------------------------------

    def clear_results(self, campaign, sheets=True):
        if sheets:
            ScoreSheet.objects.filter(chamber=campaign.chamber, submission__campaign=campaign).update(
                base_total=None, bonus_total=None, total=None, vetoed=False)
        Submission.objects.filter(chamber=campaign.chamber, campaign=campaign).update(
            result_total=None, vetoed=False, grade_level=None, grade_label="", ranking=None)

    def vacuum(self):
        """Clearing rewrites thousands of rows a second, far faster than autovacuum keeps up
        with; without this the runs would measure the clearing's dead rows (and the
        planner's estimates skewed by them), not the computation."""
        with connection.cursor() as cursor:
            for model in (ScoreSheet, Submission):
                cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')

    def run(self, campaign):
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            with transaction.atomic():
                summary = campaign_compute_results(campaign)
            elapsed = (time.perf_counter() - started) * 1000
        return elapsed, len(captured.captured_queries), summary

    def measure(self, campaign, options):
        runs = options["runs"]
        out = self.stdout.write
        load, calibration = bench.load_average(), bench.calibration_ms()
        with scope(chamber=campaign.chamber):
            subjects = Submission.objects.filter(chamber=campaign.chamber, campaign=campaign).count()
            entries = ScoreEntry.objects.filter(chamber=campaign.chamber, sheet__submission__campaign=campaign).count()
            self.clear_results(campaign)
            self.vacuum()
            self.run(campaign)  # warm-up: caches, plans
            results = {}
            for scenario in ("decision", "cold", "repeat"):
                times, queries = [], set()
                for _i in range(runs):
                    if scenario != "repeat":
                        self.clear_results(campaign, sheets=scenario == "cold")
                        self.vacuum()
                    elapsed, n, summary = self.run(campaign)
                    times.append(elapsed)
                    queries.add(n)
                results[scenario] = (times, queries, summary)
            grades = dict(
                Submission.objects.filter(chamber=campaign.chamber, campaign=campaign)
                .values("grade_label").annotate(n=Count("pk")).order_by("grade_label").values_list("grade_label", "n")
            )
        out("")
        out(f"campaign_compute_results on “{campaign.name}” ({SLUG}): {subjects:,} subjects, "
            f"{entries:,} score entries ({options['reviewers']} reviewer sheets + 1 self-assessment per subject, "
            "23 sub-items each)")
        out(f"Machine: {bench.machine_description()}; load {load}; calibration loop {calibration:.0f} ms; "
            f"PostgreSQL {connection.pg_version // 10000}")
        out(f"{'scenario':<10} {'runs':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}  rows written")
        verdict_ok = True
        for scenario, (times, queries, summary) in results.items():
            p50, p95 = statistics.median(times), _percentile(times, 95)
            written = f"{summary.sheets_changed:,} sheets, {summary.submissions_changed:,} submissions"
            out(f"{scenario:<10} {len(times):>5} {p50:>8.0f} {p95:>8.0f} {max(times):>8.0f} "
                f"{'/'.join(str(q) for q in sorted(queries)):>8}  {written}")
            if scenario != "cold":
                verdict_ok &= p95 <= TARGET_MS
            # "cold" is the worst case, shown without a target (the target is on the other two).
            benchtable.record(f"evaluations: rank and grade a campaign, {scenario}", p50, p95, queries,
                              "" if scenario == "cold" else f"p95 ≤ {TARGET_MS} ms",
                              None if scenario == "cold" else p95 <= TARGET_MS,
                              note=f"{subjects:,} subjects, {entries:,} score entries; {written} written")
        out("Grades: " + ", ".join(f"{label or '(none)'} {n:,}" for label, n in grades.items()))
        out(f"Target: ≤ {TARGET_MS} ms (p95 of “decision” and “repeat”) → {'MET' if verdict_ok else 'MISSED'}")


    def measure_pages(self, campaign, options):
        """The campaign's pages as its federation's admin sees them, whole HTML, with the
        2,000 subjects just graded: a page should answer within PAGE_TARGET_MS."""
        from django.conf import settings
        from django.test import Client, override_settings

        from chamber.models import Role, RoleKind

        federation = campaign.chamber
        user, _created = get_user_model().objects.get_or_create(username="bench-eval-admin")
        with scopes_disabled():
            Role.objects.get_or_create(chamber=federation, user=user, kind=RoleKind.CHAMBER_ADMIN, branch=None)
            submission = Submission.objects.filter(campaign=campaign).order_by("pk").first()
        client = Client(HTTP_HOST="localhost", raise_request_exception=False)
        client.force_login(user)
        base = f"/c/{federation.slug}/evaluations/"
        pages = [
            ("campaigns", ""), ("campaign progress", f"campaigns/{campaign.pk}/"),
            ("subjects", f"campaigns/{campaign.pk}/subjects/"), ("ranking", f"campaigns/{campaign.pk}/ranking/"),
            ("assignment board", f"campaigns/{campaign.pk}/assignment/"), ("ratings register", "ratings/"),
            ("submission", f"submissions/{submission.pk}/"), ("its sheets", f"submissions/{submission.pk}/sheets/"),
        ]
        out = self.stdout.write
        out("")
        out(f"Pages, GET {base}… as the federation's admin (in-process Client, DEBUG=False), "
            f"{options['runs']} runs after one warm-up")
        out(f"{'page':<18} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'KB':>6}  target {PAGE_TARGET_MS} ms")
        with override_settings(DEBUG=False, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "localhost"]):
            for label, path in pages:
                client.get(base + path)
                times, queries = [], set()
                for _i in range(options["runs"]):
                    with CaptureQueriesContext(connection) as captured:
                        started = time.perf_counter()
                        response = client.get(base + path)
                        times.append((time.perf_counter() - started) * 1000)
                    queries.add(len(captured))
                if response.status_code != 200:
                    raise CommandError(f"{path} answered {response.status_code}")
                p50, p95 = statistics.median(times), _percentile(times, 95)
                verdict = "MET" if p50 <= PAGE_TARGET_MS else "MISSED"
                out(f"{label:<18} {p50:>8.0f} {p95:>8.0f} {'/'.join(map(str, sorted(queries))):>8} "
                    f"{len(response.content) // 1024:>6}  {verdict}")
                benchtable.record(f"evaluations page: {label}", p50, p95, queries, f"p50 ≤ {PAGE_TARGET_MS} ms",
                                  p50 <= PAGE_TARGET_MS, note=f"{len(response.content) // 1024} KB")


def _indicator(version, title, parent, position, code, max_points=Decimal("0")):
    key = "{:03d}".format(position)
    return Indicator.objects.create(
        chamber_id=version.chamber_id, version=version, parent=parent, position=position, code=code, title=title,
        max_points=max_points, mode=ScoringMode.POINTS, sort_key=f"{parent.sort_key}.{key}" if parent else key,
        depth=parent.depth + 1 if parent else 1,
    )


def _percentile(values, pct):
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]
