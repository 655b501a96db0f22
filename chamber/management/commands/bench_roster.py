"""`python manage.py bench_roster`: time the roster list API on a large PostgreSQL database.

A benchmark, not a test: it prints figures and compares them with the targets. It builds
(once) 100 chambers holding 200,000 members, one of them with 20,000, then requests pages
of 100 members of the big chamber in-process, as a chamber administrator authenticated
by token, and reports p50 / p95 latency and queries per request. See docs/benchmarks.md.
"""
import json
import re
import statistics
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http.request import validate_host
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import Resolver404, resolve
from django_scopes import scope, scopes_disabled

from chamber import bench, benchtable
from chamber.models import Chamber, RoleKind
from chamber.services import role_grant
from members.models import Membership

BENCH_USER = "bench-admin"

# (p50 ms, p95 ms, queries): the roster list's targets (foundation issue); search is the
# member search of the web-app issue (p95 ≤ 100 ms; issue 11 later asks ≤ 50 ms).
ROSTER_TARGET = (25, 60, 8)
SEARCH_TARGET = (None, 100, 8)

# The web app's member list: the whole page p50 ≤ 150 ms with a fixed number of queries
# (14: see tests/web/test_roster.py, which counts the header's unread-inbox query since the
# reminders came); search as you type (the results partial) p95 ≤ 100 ms
# in 10 queries (its count comes with the page's ids).
PAGE_TARGET = (150, None, 14)
SEARCH_PARTIAL_TARGET = (None, 100, 10)
BENCH_STAFF = "bench-staff"

SCENARIOS = (
    ("list, default order", "", ROSTER_TARGET),
    ("filter status=active, ordering=name", "status=active&ordering=name", ROSTER_TARGET),
    ("search=光电", "search=光电", SEARCH_TARGET),
)


class Command(BaseCommand):
    help = (
        "Build a benchmark data set (100 chambers, 200,000 members, one chamber of 20,000; "
        "PostgreSQL only; skipped when already built) and print p50/p95 latency and queries "
        "per request of the roster list API (pages of 100). Needs a dedicated database: "
        "DATABASE_URL=postgres://…/chamber_bench."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Drop the bench chambers (slug bench-…) and build them again.")
        parser.add_argument("--build-only", action="store_true", help="Build the data set and stop.")
        parser.add_argument("--requests", type=int, default=200, help="Measured requests per scenario (default 200).")
        parser.add_argument("--warmup", type=int, default=20, help="Unmeasured requests first (default 20).")
        parser.add_argument("--page-size", type=int, default=100)
        parser.add_argument("--chambers", type=int, default=bench.DEFAULT_CHAMBERS, help=argparse_hint("chambers"))
        parser.add_argument("--big", type=int, default=bench.DEFAULT_BIG, help=argparse_hint("members of the big chamber"))
        parser.add_argument("--total", type=int, default=bench.DEFAULT_TOTAL, help=argparse_hint("members in all"))
        parser.add_argument("--only", choices=("api", "web"),
                            help="Measure only the roster API or only the web pages (member list, search as you type).")
        parser.add_argument("--allow-other-data", action="store_true",
                            help="Run even though the database holds chambers that are not bench chambers.")

    def handle(self, *args, **options):
        self.check_database(options)
        bench.tune(log=self.stdout.write)
        plans = bench.plan(options["chambers"], options["big"], options["total"])
        if options["rebuild"]:
            bench.drop_bench_data(log=self.stdout.write)
        self.stdout.write(f"Data set: {len(plans)} chambers, {sum(p.members for p in plans):,} members, "
                          f"{plans[0].slug} with {plans[0].members:,}.")
        built, seconds = bench.build(plans, log=self.stdout.write)
        if built:
            self.stdout.write(self.style.SUCCESS(f"Built {built} chambers in {seconds:.0f} s."))
            bench.analyze(log=self.stdout.write)
        else:
            self.stdout.write("Data set already built (use --rebuild to build it again).")
        self.describe_data()
        if options["build_only"]:
            return
        self.measure(options)

    # --- preconditions ---------------------------------------------------------------------

    def check_database(self, options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "bench_roster runs on PostgreSQL only (this is %s): the targets are about the production "
                "database. Set DATABASE_URL, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/chamber_bench "
                "(create it with: createdb -h 127.0.0.1 -U postgres chamber_bench)." % connection.vendor
            )
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        others = self.other_chambers() if not pending else None
        if pending:
            # Only a database that holds nothing but bench data is migrated automatically.
            tables = connection.introspection.table_names()
            if Chamber._meta.db_table in tables and self.other_chambers() and not options["allow_other_data"]:
                raise CommandError(f"{len(pending)} migrations are not applied; run `manage.py migrate` first.")
            self.stdout.write(f"Applying {len(pending)} migrations to the bench database …")
            call_command("migrate", interactive=False, verbosity=0)
            others = self.other_chambers()
        if others and not options["allow_other_data"]:
            raise CommandError(
                f"This database holds {others} chambers that are not bench chambers. The benchmark adds 200,000 "
                "members; point DATABASE_URL at a dedicated database (chamber_bench), or pass --allow-other-data."
            )

    def other_chambers(self):
        return bench.foreign_chambers().count()

    def describe_data(self):
        with scopes_disabled():
            chambers = Chamber.objects.count()
            members = Membership.objects.count()
            big = Chamber.objects.get(slug=bench.BIG_SLUG)
            big_members = Membership.objects.filter(chamber=big).count()
            from branches.models import Branch

            big_branches = Branch.objects.filter(chamber=big).count()
        self.stdout.write(f"Database: {chambers} chambers, {members:,} members; {big.slug}: {big_members:,} members, "
                          f"{big_branches} branches.")

    # --- measuring -------------------------------------------------------------------------

    def measure(self, options):
        big = Chamber.objects.get(slug=bench.BIG_SLUG)
        path = f"/api/v1/chambers/{big.slug}/members/"
        try:
            resolve(path)
        except Resolver404:
            raise CommandError(f"{path} does not resolve: the members API is not there yet. The data set is built; "
                               "run the command again once the API exists.") from None
        except ImportError as exc:
            raise CommandError(f"The URL configuration does not load ({exc}); the members API is not ready.") from None

        token = self.bench_token(big)
        host = "localhost" if validate_host("localhost", settings.ALLOWED_HOSTS) else None
        overrides = {"DEBUG": False}
        if host is None:
            host = "localhost"
            overrides["ALLOWED_HOSTS"] = [*settings.ALLOWED_HOSTS, host]
        client = Client(headers={"Authorization": f"Token {token}"}, HTTP_HOST=host, raise_request_exception=False)

        self.load_before = bench.load_average()
        self.calibration_before = bench.calibration_ms()
        with override_settings(**overrides):
            if options["only"] != "web":
                results = []
                for label, query, target in SCENARIOS:
                    result = self.run_scenario(client, path, label, query, options)
                    result.target = target
                    results.append(result)
                self.report(results, options, title=(
                    f"Roster list API, GET /api/v1/chambers/{bench.BIG_SLUG}/members/?page_size={options['page_size']}&page=N",
                    "In-process (django.test.Client), DEBUG=False, token auth as a chamber administrator; "
                    f"{options['warmup']} warm-up requests per scenario, pages spread over the whole list."))
            if options["only"] != "api":
                self.measure_web(big, host, options)

    # --- the web app's member list and search as you type -----------------------------------

    def measure_web(self, big, host, options):
        """The member list page (whole HTML) and the search-as-you-type partial, as staff."""
        user, _created = get_user_model().objects.get_or_create(username=BENCH_STAFF)
        with scope(chamber=big):
            role_grant(chamber=big, user=user, kind=RoleKind.SECRETARIAT, actor=None)
            terms = bench.search_terms(big)
        client = Client(HTTP_HOST=host, raise_request_exception=False)
        client.force_login(user)
        path = f"/c/{big.slug}/members/"
        results = [
            self.run_page_scenario(client, path, "page: member list, default order", "", options,
                                   target=PAGE_TARGET, spread=True),
            self.run_page_scenario(client, path, "page: status=active, by join date", "status=active&ordering=-joined_on",
                                   options, target=PAGE_TARGET, spread=True),
        ]
        for label, term in terms:
            results.append(self.run_page_scenario(client, path, f"search: {label} 「{term}」", urlencode({"q": term}),
                                                  options, target=SEARCH_PARTIAL_TARGET, htmx=True))
        self.report(results, options, title=(
            f"Web app, GET /c/{bench.BIG_SLUG}/members/ (the member list page, whole HTML, pages of 50 spread over "
            "the list) and the same URL with q=… as htmx sends it while typing (the results partial, page 1)",
            "In-process (django.test.Client), DEBUG=False, session login as a secretariat user; "
            f"{options['warmup']} warm-up requests per scenario."))

    def run_page_scenario(self, client, path, label, query, options, target, htmx=False, spread=False):
        result = bench.Result(scenario=label, query=query, target=target, fixed_queries=True)
        headers = {"HX-Request": "true", "HX-Current-URL": f"http://localhost{path}"} if htmx else {}

        def get(page):
            url = f"{path}?{query}" + (f"&page={page}" if page > 1 else "")
            # The captured-query log is a bounded deque: once full, a capture counts nothing.
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as captured:
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get(url, headers=headers)
                elapsed_ms = (time.perf_counter() - started) * 1000
                cpu_ms = (time.process_time() - cpu_started) * 1000
            if response.status_code != 200:
                raise CommandError(f"GET {url} answered {response.status_code}: "
                                   f"{response.content[:300].decode('utf-8', 'replace')}")
            db_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
            return response, elapsed_ms, len(captured.captured_queries), cpu_ms, db_ms

        first = get(1)[0].content.decode()
        found = re.search(r'data-count="(\d+)"', first)
        if found is None:
            raise CommandError(f"{path}?{query}: the answer has no member count (is the member list there?).")
        result.count = int(found.group(1))
        if result.count == 0:
            raise CommandError(f"{label}: no members match ({path}?{query}); the benchmark needs a page to time.")
        rows = len(re.findall(r"data-member-id=", first))
        if rows != min(50, result.count) or (htmx and "<html" in first):
            raise CommandError(f"{label}: page 1 holds {rows} members{' and the whole layout' if htmx else ''}.")
        total = options["warmup"] + options["requests"]
        pages = bench.page_numbers(-(-result.count // 50), total) if spread else [1] * total
        for page in pages[:options["warmup"]]:
            get(page)
        for page in pages[options["warmup"]:]:
            _response, elapsed_ms, queries, cpu_ms, db_ms = get(page)
            result.timings_ms.append(elapsed_ms)
            result.queries.append(queries)
            result.cpu_ms.append(cpu_ms)
            result.db_ms.append(db_ms)
        self.stdout.write(f"  {label}: {result.count:,} members, {len(result.timings_ms)} requests done.")
        return result

    def bench_token(self, chamber):
        from rest_framework.authtoken.models import Token

        user, _created = get_user_model().objects.get_or_create(username=BENCH_USER)
        with scope(chamber=chamber):
            role_grant(chamber=chamber, user=user, kind=RoleKind.CHAMBER_ADMIN, actor=None)
        token, _created = Token.objects.get_or_create(user=user)
        return token.key

    def get(self, client, path, query, page, page_size):
        url = f"{path}?page_size={page_size}&page={page}" + (f"&{query}" if query else "")
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            elapsed_ms = (time.perf_counter() - started) * 1000
            cpu_ms = (time.process_time() - cpu_started) * 1000
        if response.status_code != 200:
            body = response.content[:500].decode("utf-8", "replace")
            hint = " (the members API is not there yet?)" if response.status_code == 404 else ""
            raise CommandError(f"GET {url} answered {response.status_code}{hint}: {body}")
        db_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
        return response, elapsed_ms, len(captured.captured_queries), cpu_ms, db_ms

    def run_scenario(self, client, path, label, query, options):
        page_size = options["page_size"]
        result = bench.Result(scenario=label, query=query)
        first, *_rest = self.get(client, path, query, 1, page_size)
        payload = json.loads(first.content)
        if "count" not in payload or "results" not in payload:
            raise CommandError(f"{path}?{query}: expected a paginated answer with count and results, got keys "
                               f"{sorted(payload)}")
        result.count = payload["count"]
        if result.count == 0:
            raise CommandError(f"{label}: no members match ({path}?{query}); the benchmark needs a page to time.")
        if len(payload["results"]) != min(page_size, result.count):
            raise CommandError(f"{label}: page 1 holds {len(payload['results'])} members, expected "
                               f"{min(page_size, result.count)} (is page_size honoured?).")
        pages = -(-result.count // page_size)
        numbers = bench.page_numbers(pages, options["warmup"] + options["requests"])
        for page in numbers[:options["warmup"]]:
            self.get(client, path, query, page, page_size)
        for page in numbers[options["warmup"]:]:
            _response, elapsed_ms, queries, cpu_ms, db_ms = self.get(client, path, query, page, page_size)
            result.timings_ms.append(elapsed_ms)
            result.queries.append(queries)
            result.cpu_ms.append(cpu_ms)
            result.db_ms.append(db_ms)
        self.stdout.write(f"  {label}: {result.count:,} members, {pages} pages, {len(result.timings_ms)} requests done.")
        return result

    def report(self, results, options, title):
        out = self.stdout.write
        out("")
        out(title[0])
        out(f"Machine: {bench.machine_description()}")
        out(f"Database: {bench.database_description()}")
        out(title[1])
        out(f"Load average before / after: {self.load_before} / {bench.load_average()}"
            + ("  (the machine was busy: latencies include waiting for a CPU)" if bench.busy(self.load_before) else ""))
        calibration_after = bench.calibration_ms()
        out(f"CPU calibration loop before / after: {self.calibration_before:.0f} / {calibration_after:.0f} ms "
            f"(about {bench.CALIBRATION_QUIET_MS} ms on a quiet host; latencies scale with it)")
        out("")
        header = ("scenario", "matches", "requests", "p50 ms", "p95 ms", "max ms", "queries/request", "target", "verdict",
                  "app CPU p50 ms", "SQL p50 ms")
        rows = [header]
        all_pass = True
        for r in results:
            q_min, q_max = min(r.queries), max(r.queries)
            p50_target, p95_target, query_target = r.target
            target = " ".join(part for part in (
                f"p50≤{p50_target}" if p50_target else "", f"p95≤{p95_target}" if p95_target else "",
                f"q={query_target}" if r.fixed_queries else f"q≤{query_target}") if part)
            ok = ((p50_target is None or r.p50 <= p50_target) and (p95_target is None or r.p95 <= p95_target)
                  and q_max <= query_target and (not r.fixed_queries or q_min == q_max))
            all_pass &= ok
            rows.append((r.scenario, f"{r.count:,}", str(len(r.timings_ms)), f"{r.p50:.1f}", f"{r.p95:.1f}",
                         f"{max(r.timings_ms):.1f}", str(q_max) if q_min == q_max else f"{q_min}–{q_max}", target,
                         "PASS" if ok else "FAIL", f"{statistics.median(r.cpu_ms):.1f}", f"{statistics.median(r.db_ms):.1f}"))
            part = "roster API" if title[0].startswith("Roster list API") else "member list (web)"
            benchtable.record(f"{part}: {r.scenario}", r.p50, r.p95, r.queries, target, ok,
                              note=f"{bench.BIG_SLUG}, {r.count:,} matches")
        widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
        for i, row in enumerate(rows):
            line = " | ".join(_pad(cell, widths[j]) for j, cell in enumerate(row))
            if i and row[8] == "FAIL":
                line = self.style.ERROR(line)
            out(line)
            if i == 0:
                out("-+-".join("-" * w for w in widths))
        out("")
        out("app CPU: CPU time of this process per request (Python: middleware, DRF, serialisers); "
            "SQL: time spent waiting for the queries.")
        out(self.style.SUCCESS("All scenarios meet the targets.") if all_pass
            else self.style.WARNING("Some scenarios miss the targets (see FAIL)."))


def argparse_hint(what):
    return f"Number of {what} (default: %(default)s); change only for a quick trial."


def _width(text):
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text, width):
    return text + " " * (width - _width(text))
