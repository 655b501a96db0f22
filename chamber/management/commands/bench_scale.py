"""`python manage.py bench_scale`: the figures of issue 11 on the data set of `seed_scale`.

A benchmark, not a test: it prints figures, compares them with the targets and records
them for `bench_table` (chamber.benchtable). It builds nothing: run `seed_scale` first (1M
members across 2,000 chambers, `scale-0000` the largest, all under the federation
`scale-fed`, the user `scale-admin` admin of both). Measured in-process with
`django.test.Client`, `DEBUG=False`, as bench_roster does (docs/benchmarks.md):

- the roster API, pages of 100 (the first and a deep page), as the admin with a token,
  and side by side the bare SQL of the same page (the statements the API runs to read
  the page, captured from it and run with a plain cursor) plus `json.dumps` of the rows:
  p50 ≤ 25 ms and ≤ 3 × the bare figure;
- member search through the roster API (`search=`, the same `membership_search_q` as the
  web app's search) for substrings of a name, a USCC, a contact's name, a mobile, and
  pinyin initials: p95 ≤ 50 ms each;
- the web member list page and the dashboard of the largest chamber: p50 ≤ 150 ms;
- the federation aggregate over all its chambers: `federation_affiliate_figures` and the
  federation's affiliates page, ≤ 500 ms (p50).
"""
import json
import re
import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.http.request import validate_host
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django_scopes import scope, scopes_disabled

from chamber import bench, benchtable
from chamber.models import Chamber
from members.models import Contact, Enterprise, Membership

LARGEST_SLUG = "scale-0000"
FEDERATION_SLUG = "scale-fed"
ADMIN_USERNAME = "scale-admin"

ROSTER_P50_MS = 25
ROSTER_RATIO = 3
SEARCH_P95_MS = 50
PAGE_P50_MS = 150
FEDERATION_MS = 500

# The statements that read the page itself; the others (chamber, token, roles) are the
# framework's authentication and tenancy, part of what the ratio compares against.
PAGE_DATA_SQL = re.compile(r'\bFROM "members_')


def dataset():
    """(largest chamber, federation, admin user) of the seed_scale data set, or CommandError.

    chamber.scale names them (scale contract); by slug when that module is not there.
    """
    largest = federation = admin = None
    try:
        from chamber import scale
    except ImportError:
        scale = None
    with scopes_disabled():
        if scale is not None:
            try:
                largest, federation, admin = scale.largest_chamber(), scale.scale_federation(), scale.scale_admin()
            except Exception:  # noqa: BLE001 - a half-built data set: fall back to the slugs
                largest = federation = admin = None
        largest = largest or Chamber.objects.filter(slug=LARGEST_SLUG).first()
        federation = federation or Chamber.objects.filter(slug=FEDERATION_SLUG).first()
        admin = admin or get_user_model().objects.filter(username=ADMIN_USERNAME).first()
    missing = [name for name, value in (("the chamber " + LARGEST_SLUG, largest), ("the federation " + FEDERATION_SLUG,
               federation), ("the user " + ADMIN_USERNAME, admin)) if value is None]
    if missing:
        raise CommandError("No seed_scale data set here ({} missing): run `manage.py seed_scale` first, or point "
                           "DATABASE_URL at its database.".format(", ".join(missing)))
    return largest, federation, admin


def search_terms(chamber):
    """What staff type, taken from the chamber's own data (inside its scope): a substring of a
    member's name, of a USCC, a contact's name, a mobile fragment and pinyin initials."""
    with scope(chamber=chamber):
        enterprises = Enterprise.objects.filter(chamber=chamber).exclude(name_initials="").order_by("pk")
        count = enterprises.count()
        if not count:
            raise CommandError(f"{chamber.slug} has no enterprise members to search for.")
        enterprise = enterprises[count // 3]
        contacts = Contact.objects.filter(chamber=chamber).exclude(person__mobile="").select_related("person")
        contact = contacts.order_by("pk")[contacts.count() // 2] if contacts.exists() else None
    name = enterprise.name
    middle = name[2:5] if len(name) >= 6 else name[:3]
    terms = [("name substring", middle), ("USCC substring", enterprise.uscc[-8:-2])]
    if contact is not None:
        terms += [("contact name", contact.person.name), ("mobile substring", contact.person.mobile[-7:-1])]
    terms.append(("pinyin initials", enterprise.name_initials[:4]))
    return terms


class Command(BaseCommand):
    help = ("Time the roster API (pages of 100, side by side with its bare SQL + JSON), member search, the member "
            "list page, the dashboard and the federation aggregate on the seed_scale data set (PostgreSQL), and "
            "record the figures for bench_table.")

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=200, help="Measured requests per roster page (default 200).")
        parser.add_argument("--search-requests", type=int, default=100, help="Measured requests per search term (default 100).")
        parser.add_argument("--page-requests", type=int, default=50, help="Measured requests of each web page (default 50).")
        parser.add_argument("--federation-runs", type=int, default=10, help="Measured runs of the federation aggregate (default 10).")
        parser.add_argument("--warmup", type=int, default=10, help="Unmeasured requests first, per figure (default 10).")
        parser.add_argument("--no-record", action="store_true", help="Print only; do not record for bench_table.")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_scale runs on PostgreSQL only (this is %s): set DATABASE_URL to the seed_scale "
                               "database." % connection.vendor)
        self.options = options
        self.results = []
        largest, federation, admin = dataset()
        with scopes_disabled():
            members = Membership.objects.count()
            chambers = Chamber.objects.count()
            largest_members = Membership.objects.filter(chamber=largest).count()
            affiliates = Chamber.objects.filter(supervising_federation=federation).count()
        out = self.stdout.write
        out(f"Data set: {chambers:,} chambers, {members:,} members; {largest.slug}: {largest_members:,} members; "
            f"{federation.slug} supervises {affiliates:,} chambers.")
        out(f"Machine: {bench.machine_description()}")
        out(f"Database: {bench.database_description()}")
        self.load_before = bench.load_average()
        self.calibration_before = bench.calibration_ms()

        host = "localhost"
        overrides = {"DEBUG": False}
        if not validate_host(host, settings.ALLOWED_HOSTS):
            overrides["ALLOWED_HOSTS"] = [*settings.ALLOWED_HOSTS, host]
        with override_settings(**overrides):
            api = Client(headers={"Authorization": f"Token {self.token(admin)}"}, HTTP_HOST=host,
                         raise_request_exception=False)
            web = Client(HTTP_HOST=host, raise_request_exception=False)
            web.force_login(admin)
            self.roster(api, largest)
            self.search(api, largest)
            self.pages(web, largest)
            self.federation(web, federation, affiliates)
        self.report()

    # --- helpers ---------------------------------------------------------------------------

    def token(self, user):
        from rest_framework.authtoken.models import Token

        token, _created = Token.objects.get_or_create(user=user)
        return token.key

    def timed(self, fn):
        """(ms, queries, result) of one call. The captured-query log is a bounded deque:
        once full a capture counts nothing, so it is emptied first."""
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = fn()
            elapsed = (time.perf_counter() - started) * 1000
        return elapsed, len(captured.captured_queries), result

    def get(self, client, url, **headers):
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            raise CommandError(f"GET {url} answered {response.status_code}: "
                               f"{response.content[:300].decode('utf-8', 'replace')}")
        return response

    def series(self, fn, runs):
        """Times and query counts of `runs` calls after the warm-up."""
        for _i in range(self.options["warmup"]):
            fn()
        times, queries = [], []
        for _i in range(runs):
            ms, count, _result = self.timed(fn)
            times.append(ms)
            queries.append(count)
        return times, queries

    def add(self, figure, times, queries, target, met, note=""):
        p50, p95 = statistics.median(times), bench.nearest_rank(times, 95)
        self.results.append((figure, p50, p95, queries, target, met, note))
        self.stdout.write(f"  {figure}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
                          f"{benchtable.summarize_queries(queries)} queries{' — ' + note if note else ''}")
        return p50, p95

    # --- the roster API and its bare SQL -------------------------------------------------------

    def roster(self, client, chamber):
        base = f"/api/v1/chambers/{chamber.slug}/members/?page_size=100"
        first = json.loads(self.get(client, base + "&page=1").content)
        count = first.get("count", 0)
        if not count or len(first.get("results", ())) != min(100, count):
            raise CommandError(f"{base}: expected a page of {min(100, count)} members, got {first!r:.300}")
        pages = -(-count // 100)
        deep = max(1, pages * 9 // 10)
        self.stdout.write(f"Roster API of {chamber.slug}: {count:,} members, {pages} pages of 100.")
        # Figure names stay the same whatever the data set's size (bench_table keeps the
        # latest per name); the sizes go in the notes.
        for label, page in (("first page", 1), ("deep page", deep)):
            url = f"{base}&page={page}"
            statements = self.page_sql(client, url)
            api_times, api_queries, bare_times = [], [], []
            for _i in range(self.options["warmup"]):
                self.get(client, url)
                self.bare(statements)
            # Side by side: each API request is followed by the bare SQL of the same page,
            # so both see the same machine load.
            for _i in range(self.options["requests"]):
                ms, queries, _response = self.timed(lambda url=url: self.get(client, url))
                api_times.append(ms)
                api_queries.append(queries)
                started = time.perf_counter()
                self.bare(statements)
                bare_times.append((time.perf_counter() - started) * 1000)
            bare_p50 = statistics.median(bare_times)
            ratio = statistics.median(api_times) / bare_p50 if bare_p50 else float("inf")
            p50 = statistics.median(api_times)
            self.add(f"scale: roster API, {label}, bare SQL + JSON", bare_times, len(statements), "", None,
                     note=f"page {page} of {pages}: the {len(statements)} statements reading it, + json.dumps")
            self.add(f"scale: roster API, {label}", api_times, api_queries,
                     f"p50 ≤ {ROSTER_P50_MS} ms, ≤ {ROSTER_RATIO}× bare SQL + JSON",
                     p50 <= ROSTER_P50_MS and ratio <= ROSTER_RATIO,
                     note=f"page {page} of {pages}; {ratio:.1f}× bare SQL + JSON ({bare_p50:.1f} ms)")

    def page_sql(self, client, url):
        """The statements the API runs to read this page (not the chamber, token and roles)."""
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            self.get(client, url)
        statements = [q["sql"] for q in captured.captured_queries if PAGE_DATA_SQL.search(q["sql"])]
        if not statements:
            raise CommandError(f"{url}: no statement reading members was captured.")
        return statements

    def bare(self, statements):
        """Run the page's statements with a plain DB-API cursor, encode the rows as JSON."""
        document = {}
        with connection.cursor() as wrapper:
            cursor = wrapper.cursor  # psycopg2's own cursor: no Django in between
            for i, sql in enumerate(statements):
                cursor.execute(sql)
                columns = [c[0] for c in cursor.description]
                document[f"q{i}"] = [dict(zip(columns, row)) for row in cursor.fetchall()]
        return json.dumps(document, ensure_ascii=False, default=str).encode()

    # --- member search ----------------------------------------------------------------------------

    def search(self, client, chamber):
        from urllib.parse import urlencode

        base = f"/api/v1/chambers/{chamber.slug}/members/?page_size=100&"
        for label, term in search_terms(chamber):
            url = base + urlencode({"search": term})
            matches = json.loads(self.get(client, url).content).get("count", 0)
            times, queries = self.series(lambda url=url: self.get(client, url), self.options["search_requests"])
            p95 = bench.nearest_rank(times, 95)
            self.add(f"scale: member search, {label}", times, queries, f"p95 ≤ {SEARCH_P95_MS} ms",
                     p95 <= SEARCH_P95_MS, note=f"「{term}」, {matches:,} matches (roster API search=)")

    # --- web pages ----------------------------------------------------------------------------------

    def pages(self, client, chamber):
        """The member list (pages of 50 spread over the whole list, as bench_roster) and the dashboard."""
        url = f"/c/{chamber.slug}/members/"
        first = self.get(client, url).content.decode()
        found = re.search(r'data-count="(\d+)"', first)
        if found is None:
            raise CommandError(f"{url}: the answer has no member count (is the member list there?).")
        runs = self.options["page_requests"]
        numbers = iter(bench.page_numbers(-(-int(found.group(1)) // 50), self.options["warmup"] + runs))

        def member_list():
            page = next(numbers)
            return self.get(client, url + (f"?page={page}" if page > 1 else ""))

        times, queries = self.series(member_list, runs)
        self.add("scale: member list page, largest chamber", times, queries, f"p50 ≤ {PAGE_P50_MS} ms",
                 statistics.median(times) <= PAGE_P50_MS,
                 note=f"{chamber.slug}, {int(found.group(1)):,} members; whole HTML, pages of 50 spread")
        url = f"/c/{chamber.slug}/dashboard/"
        size = len(self.get(client, url).content)
        times, queries = self.series(lambda: self.get(client, url), runs)
        self.add("scale: dashboard, largest chamber", times, queries, f"p50 ≤ {PAGE_P50_MS} ms",
                 statistics.median(times) <= PAGE_P50_MS, note=f"{chamber.slug}; whole HTML, {size / 1024:.0f} KB")

    # --- the federation aggregate -----------------------------------------------------------------

    def federation(self, client, federation, affiliates):
        from chamber.selectors import federation_affiliate_figures

        def figures():
            return federation_affiliate_figures(federation=federation)

        found = len(figures())
        times, queries = self.series(figures, self.options["federation_runs"])
        self.add("scale: federation aggregate (selector)", times, queries,
                 f"p50 ≤ {FEDERATION_MS} ms", statistics.median(times) <= FEDERATION_MS,
                 note=f"{found:,} chambers; federation_affiliate_figures")
        url = f"/c/{federation.slug}/affiliates/"
        size = len(self.get(client, url).content)
        times, queries = self.series(lambda: self.get(client, url), self.options["federation_runs"])
        self.add("scale: federation affiliates page", times, queries,
                 f"p50 ≤ {FEDERATION_MS} ms", statistics.median(times) <= FEDERATION_MS,
                 note=f"{found:,} chambers; whole HTML, {size / 1024:.0f} KB")

    # --- the report ---------------------------------------------------------------------------------

    def report(self):
        out = self.stdout.write
        calibration_after = bench.calibration_ms()
        out("")
        out(f"Load average before / after: {self.load_before} / {bench.load_average()}"
            + ("  (the machine was busy: latencies include waiting for a CPU)" if bench.busy(self.load_before) else ""))
        out(f"CPU calibration loop before / after: {self.calibration_before:.0f} / {calibration_after:.0f} ms "
            f"(about {bench.CALIBRATION_QUIET_MS} ms on a quiet host; latencies scale with it)")
        entries = []
        for figure, p50, p95, queries, target, met, note in self.results:
            entry = {"figure": figure, "p50_ms": p50, "p95_ms": p95, "queries": benchtable.summarize_queries(queries),
                     "target": target, "met": met, "note": note}
            if not self.options["no_record"]:
                entry = benchtable.record(figure, p50, p95, queries, target, met, note, command="bench_scale")
            entries.append(entry)
        out("")
        for line in benchtable.text_table(entries).splitlines()[:len(entries) + 2]:
            out(self.style.WARNING(line) if f"  {benchtable.MISSED}  " in line or line.endswith(benchtable.MISSED)
                else line)
        missed = sum(1 for e in entries if e["met"] is False)
        out("")
        out(self.style.SUCCESS("All figures meet their targets.") if not missed
            else self.style.WARNING(f"{missed} figure(s) miss their target."))
        if not self.options["no_record"]:
            out(f"Recorded in {benchtable.results_path()}; `manage.py bench_table` prints every bench command's figures.")
