"""`python manage.py bench_events`: time the events list and the requests board at size.

A benchmark, not a test: it prints figures and compares them with the events issue's
target — for a chamber with 2,000 events, 100,000 registrations and 10,000 member
requests, the events list (with registration counts) and the requests board each render
in ≤ 150 ms p50 with a fixed number of queries, on PostgreSQL. It builds (once) a
throwaway chamber `bench-events` in the bench database: 5,000 members through
chamber.bench's bulk builder, then events, registrations (confirmed, waiting, cancelled,
checked in), requests in every status with a note each, all bulk-inserted.

It times the whole pages through Django's test client as the chamber's admin: the first
page and a deep page of each list, and a filtered view. See docs/benchmarks.md.
"""
import datetime
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from chamber import bench, benchtable
from chamber.models import Role, RoleKind
from events.models import Event, EventKind, MemberRequest, Registration, RequestNote
from members.models import Membership

SLUG = "bench-events"
TARGET_MS = 150
MEMBERS = 5_000
EVENTS = 2_000
REGISTRATIONS = 100_000
REQUESTS = 10_000
BATCH = 5000
KINDS = [k for k in EventKind.values]
CATEGORIES = ("financing", "legal", "land", "labour", "policy", "tax", "permits", "market", "technology", "other")
REQUEST_STATUSES = ("new",) * 3 + ("in_progress",) * 2 + ("resolved",) * 4 + ("unresolvable",)


class Command(BaseCommand):
    help = (
        "Build (once) a chamber `bench-events` with 2,000 events, 100,000 registrations and 10,000 requests, "
        "then print p50/p95 and queries of the events list and the requests board (target ≤ 150 ms p50, fixed "
        "queries). PostgreSQL only: DATABASE_URL=postgres://…/chamber_bench."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=20, help="Measured runs per page (default 20).")
        parser.add_argument("--rebuild", action="store_true", help="Drop bench-events and build it again.")

    def handle(self, *args, **options):
        chamber = bench.bench_chamber_ready("bench_events", SLUG, rebuild=options["rebuild"], complete=self.complete,
                                            build=self.build)
        self.measure(chamber, options["runs"])

    # --- building -----------------------------------------------------------------------------

    def complete(self, chamber):
        with scope(chamber=chamber):
            return (Registration.objects.filter(chamber=chamber).count() == REGISTRATIONS
                    and MemberRequest.objects.filter(chamber=chamber).count() == REQUESTS)

    def build(self):
        started = time.perf_counter()
        plan = bench.ChamberPlan(901, SLUG, "基准测试商会（活动）", MEMBERS, (4, 3, (2, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0)),
                                 "320500")
        with scopes_disabled():
            chamber = bench.build_chamber(plan, serial_base=9_500_000)
        self.admin()
        with transaction.atomic(), scope(chamber=chamber):
            members = list(Membership.objects.filter(chamber=chamber).order_by("pk").values_list("pk", "name"))
            events = self.build_events(chamber)
            self.build_registrations(chamber, events, members)
            self.build_requests(chamber, members)
        with connection.cursor() as cursor:
            for model in (Event, Registration, MemberRequest, RequestNote):
                cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')
        self.stdout.write(f"Built {SLUG} in {time.perf_counter() - started:.1f} s.")
        return chamber

    def admin(self):
        user, _created = get_user_model().objects.get_or_create(username="bench-events-admin")
        return user

    def build_events(self, chamber):
        now = timezone.now()
        events = []
        for n in range(EVENTS):
            starts = now - datetime.timedelta(days=EVENTS - n, hours=n % 9)
            held = starts < now - datetime.timedelta(days=3)
            events.append(Event(
                chamber=chamber, title=f"基准活动{n + 1:04d}：{EventKind(KINDS[n % len(KINDS)]).label}",
                kind=KINDS[n % len(KINDS)], starts_at=starts, ends_at=starts + datetime.timedelta(hours=3),
                place=f"商会大厦{n % 12 + 1}楼会议室", capacity=None if n % 4 == 0 else 60,
                status="held" if held else ("open" if n % 2 else "closed"),
            ))
        return Event.objects.bulk_create(events, batch_size=BATCH)

    def build_registrations(self, chamber, events, members):
        per_event = REGISTRATIONS // EVENTS
        rows = []
        for e_index, event in enumerate(events):
            for r in range(per_event):
                n = e_index * per_event + r
                member_id, name = members[(n * 7919) % len(members)]
                status = "cancelled" if r % 20 == 0 else ("waitlisted" if r >= 50 - 5 else "confirmed")
                rows.append(Registration(
                    chamber=chamber, event=event, membership_id=member_id, attendee_name=name[:60],
                    status=status, code=f"B{n:09d}", registered_at=event.starts_at - datetime.timedelta(days=5),
                    checked_in_at=event.starts_at if status == "confirmed" and event.status == "held" and r % 5 else None,
                ))
            if len(rows) >= BATCH:
                Registration.objects.bulk_create(rows, batch_size=BATCH)
                rows = []
        Registration.objects.bulk_create(rows, batch_size=BATCH)

    def build_requests(self, chamber, members):
        today = timezone.localdate()
        user = self.admin()
        requests = []
        for n in range(REQUESTS):
            member_id, name = members[(n * 104729) % len(members)]
            status = REQUEST_STATUSES[n % len(REQUEST_STATUSES)]
            created = timezone.now() - datetime.timedelta(days=n % 700, hours=n % 24)
            closed = status in ("resolved", "unresolvable")
            requests.append(MemberRequest(
                chamber=chamber, membership_id=member_id, source=("portal", "visit", "staff")[n % 3],
                category=CATEGORIES[n % len(CATEGORIES)], title=f"{CATEGORIES[n % len(CATEGORIES)]}诉求{n + 1:05d}",
                description="企业反映的问题与诉求。", assignee=user if n % 2 else None,
                due_on=today + datetime.timedelta(days=(n % 90) - 30), status=status,
                closed_on=(created + datetime.timedelta(days=20)).date() if closed else None,
                rating=(n % 5) + 1 if status == "resolved" and n % 3 == 0 else None,
                is_typical=status == "resolved" and n % 97 == 0,
                typical_summary="协调解决" if status == "resolved" and n % 97 == 0 else "",
                created_at=created,
            ))
        MemberRequest.objects.bulk_create(requests, batch_size=BATCH)
        RequestNote.objects.bulk_create(
            [RequestNote(chamber=chamber, request=r, text="已受理。", status_from="new", status_to=r.status,
                         author=user, author_label=user.username) for r in requests if r.status != "new"],
            batch_size=BATCH)

    # --- measuring ----------------------------------------------------------------------------

    def measure(self, chamber, runs):
        from django.conf import settings
        from django.test import Client, override_settings

        out = self.stdout.write
        load, calibration = bench.load_average(), bench.calibration_ms()
        user = self.admin()
        with scopes_disabled():
            Role.objects.get_or_create(chamber=chamber, user=user, kind=RoleKind.CHAMBER_ADMIN, branch=None)
            counts = (Event.objects.filter(chamber=chamber).count(),
                      Registration.objects.filter(chamber=chamber).count(),
                      MemberRequest.objects.filter(chamber=chamber).count())
        client = Client(HTTP_HOST="localhost", raise_request_exception=False)
        client.force_login(user)
        base = f"/c/{SLUG}/events/"
        pages = [
            ("events list, page 1", base),
            ("events list, page 40", base + "?page=40"),
            ("events list, kind filter", base + "?kind=training"),
            ("requests board", base + "requests/"),
            ("requests board, page 20", base + "requests/?page=20"),
        ]
        rows = []
        with override_settings(DEBUG=False, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "localhost"]):
            for label, path in pages:
                response = client.get(path)
                if response.status_code != 200:
                    raise CommandError(f"{path} answered {response.status_code}")
                times, queries = bench.time_calls(lambda path=path: client.get(path), runs)
                rows.append((label, times, queries, len(response.content) // 1024))
        out("")
        out(f"Events on “{chamber.name}” ({SLUG}): {counts[0]:,} events, {counts[1]:,} registrations, "
            f"{counts[2]:,} member requests; pages as the chamber's admin (in-process Client, DEBUG=False)")
        out(f"Machine: {bench.machine_description()}; load {load}; calibration loop {calibration:.0f} ms; "
            f"PostgreSQL {connection.pg_version // 10000}")
        out(f"{'page':<28} {'runs':>5} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'KB':>5}  target")
        for label, times, queries, size in rows:
            p50 = statistics.median(times)
            p95 = bench.nearest_rank(times, 95)
            verdict = "MET" if p50 <= TARGET_MS and len(queries) == 1 else "MISSED"
            out(f"{label:<28} {len(times):>5} {p50:>8.1f} {p95:>8.1f} {'/'.join(map(str, sorted(queries))):>8} "
                f"{size:>5}  ≤ {TARGET_MS} ms p50, fixed queries → {verdict}")
            benchtable.record(f"events: {label}", p50, p95, queries, f"p50 ≤ {TARGET_MS} ms, fixed queries",
                              verdict == "MET", note=f"{counts[0]:,} events, {counts[1]:,} registrations, {size} KB")
