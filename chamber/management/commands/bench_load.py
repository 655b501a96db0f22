"""`python manage.py bench_load`: 50 chamber staff for 60 s of mixed reads and writes against
gunicorn and PostgreSQL (locust, loadtest/locustfile.py), then a count of the rows written.

1. Data: a chamber `bench-load` with 40 members, this year's dues invoices and a staff user
   (chamber administrator) with an API token and one signed-in session per simulated user
   (made here, so 50 password hashes at start-up do not distort the first seconds); a new
   open event on each run, for its registrations.
2. gunicorn (`--workers 2`, the machine's two cores) serves DATABASE_URL's database with
   the settings this command runs with.
3. `locust --headless -u 50 -r 10 -t 60s` (a subprocess: locust patches the standard library
   with gevent, which must not happen inside Django's process) runs loadtest/locustfile.py.
4. Afterwards the rows the chamber gained (registrations, contacts, people, payments) are
   compared with the writes locust saw answered 2xx; a payment sent twice with one
   Idempotency-Key must be one row. Any difference is printed as LOST (or EXTRA) and the
   command fails, as it does on any failed request.

Figures: p50 and p95 over all requests, requests, errors, lost writes (benchtable).
PostgreSQL only: DATABASE_URL=postgres://postgres@127.0.0.1:5432/chamber_bench.
tests/trust/test_load_smoke.py runs the same harness for a few seconds.
"""
import contextlib
import csv
import datetime
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from chamber import bench, benchtable

SLUG = "bench-load"
STAFF = "bench-load-staff"
LOCUSTFILE = Path(settings.BASE_DIR) / "loadtest" / "locustfile.py"
WRITE_KINDS = ("registration", "contact", "person", "payment")


# --- data ------------------------------------------------------------------------------------

def prepare(*, slug=SLUG, members=40, sessions=50, log=print):
    """The chamber (built once), a new open event, the staff user's token and sessions:
    the locustfile's configuration as a dict."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from chamber.demo import make_uscc
    from chamber.models import Chamber, ChamberKind, RoleKind
    from chamber.services import chamber_create, role_grant
    from events.models import EventStatus
    from events.services.events import event_create, event_set_status
    from members.dues.services import dues_invoices_generate, fee_schedule_set
    from members.models import DuesInvoice, Membership, MembershipKind, MembershipStatus, Rank
    from members.services import enterprise_create, membership_create

    today = timezone.localdate()
    with scopes_disabled():
        chamber = Chamber.objects.filter(slug=slug).first()
    if chamber is None:
        started = time.perf_counter()
        with transaction.atomic(), scopes_disabled():
            chamber = chamber_create(actor=None, name="压力测试光电产业商会", short_name="压测商会", slug=slug,
                                     kind=ChamberKind.INDUSTRY, division_code="320500")
        with transaction.atomic(), scope(chamber=chamber):
            rank = Rank.objects.get(chamber=chamber, code="member")
            for n in range(members):
                enterprise = enterprise_create(chamber=chamber, actor=None, name=bench.enterprise_name(n)[0],
                                               uscc=make_uscc("320500", 880000 + n))
                membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=enterprise,
                                  rank=rank, status=MembershipStatus.ACTIVE, joined_on=datetime.date(2020, 1, 1))
        log(f"{slug}: built with {members} members in {time.perf_counter() - started:.1f} s.")
    user, _created = get_user_model().objects.get_or_create(username=STAFF, defaults={"first_name": "压测"})
    with transaction.atomic(), scope(chamber=chamber):
        role_grant(chamber=chamber, user=user, kind=RoleKind.CHAMBER_ADMIN, actor=None)
        if not DuesInvoice.objects.filter(chamber=chamber, year=today.year).exists():
            fee_schedule_set(chamber=chamber, actor=None, year=today.year, due_on=datetime.date(today.year, 12, 31),
                             grace_days=90, rates={r: "2000" for r in Rank.objects.filter(chamber=chamber)})
            dues_invoices_generate(chamber=chamber, actor=None, year=today.year)
        starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=20)
        event = event_create(chamber=chamber, actor=user, title="压力测试政策宣讲会", kind="policy_briefing",
                             starts_at=starts, ends_at=starts + datetime.timedelta(hours=3), place="苏州")
        event = event_set_status(event=event, actor=user, status=EventStatus.OPEN, reason="压测")
        memberships = list(Membership.objects.filter(chamber=chamber).order_by("pk").values_list("pk", "enterprise_id"))
        invoices = list(DuesInvoice.objects.filter(chamber=chamber, year=today.year).order_by("pk")
                        .values_list("pk", flat=True))
    token, _created = Token.objects.get_or_create(user=user)
    return {
        "chamber": slug, "chamber_id": chamber.pk, "username": STAFF, "token": token.key,
        "sessions": [signed_in_session(user) for _ in range(sessions)],
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "event": event.pk, "memberships": [m for m, _e in memberships],
        "enterprises": [e for _m, e in memberships], "invoices": invoices, "paid_on": str(today),
    }


def signed_in_session(user):
    """A session key signed in as `user`, as django.contrib.auth.login would store it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    # The backend that loads users (the first one listed may only guard logins, like axes').
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def row_counts(config):
    """The rows the load test writes, counted in the chamber (and the run's event)."""
    from events.models import Registration
    from members.models import Contact, DuesEntry, DuesEntryKind, Person

    chamber_id = config["chamber_id"]
    with scopes_disabled():
        return {
            "registration": Registration.objects.filter(event_id=config["event"]).count(),
            "contact": Contact.objects.filter(chamber_id=chamber_id).count(),
            "person": Person.objects.filter(chamber_id=chamber_id).count(),
            "payment": DuesEntry.objects.filter(chamber_id=chamber_id, kind=DuesEntryKind.PAYMENT).count(),
        }


def lost_writes(before, after, answered):
    """{kind: rows expected − rows found} for each kind that differs (a contact with a new
    person adds a person too)."""
    gained = {kind: after[kind] - before[kind] for kind in WRITE_KINDS}
    expected = dict(answered)
    expected["person"] = answered["person"] + answered["contact"]
    return {kind: expected[kind] - gained[kind] for kind in WRITE_KINDS if expected[kind] != gained[kind]}


# --- processes -------------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, seconds=60, process=None):
    """Poll `url` until it answers (any HTTP status); False after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            urllib.request.urlopen(url, timeout=2)
            return True
        except urllib.error.HTTPError:
            return True  # 503 from /healthz is an answer: the server is up
        except OSError:
            time.sleep(0.25)
    return False


@contextlib.contextmanager
def gunicorn(*, env=None, workers=2, port=None, log_path=None):
    """gunicorn serving this project on 127.0.0.1:`port` for the block; yields its base URL.

    `env` is added to this process's environment (DATABASE_URL, REDIS_URL, settings module).
    Its output goes to `log_path` (or a temporary file printed afterwards)."""
    port = port or free_port()
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE",
                                                                          "chamber.settings.local"), **(env or {})}
    with contextlib.ExitStack() as stack:
        log = stack.enter_context(open(log_path, "w+") if log_path else tempfile.TemporaryFile(mode="w+"))
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "chamber.wsgi:application", "--workers", str(workers),
             "--bind", f"127.0.0.1:{port}", "--timeout", "60", "--graceful-timeout", "5"],
            cwd=settings.BASE_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            if not wait_for(base + "/healthz", process=process):
                log.seek(0)
                raise RuntimeError("gunicorn did not start:\n" + log.read()[-4000:])
            yield base
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            if not log_path:
                log.seek(0)
                output = log.read()
                if "Traceback" in output:
                    print("--- gunicorn output ---\n" + output[-8000:])


def run_locust(*, host, config, users, spawn_rate, seconds, workdir):
    """locust headless against `host`; returns its figures and the writes answered 2xx."""
    workdir = Path(workdir)
    config_path, result_path = workdir / "config.json", workdir / "writes.json"
    config_path.write_text(json.dumps(config), encoding="utf-8")
    environment = {**os.environ, "LOADTEST_CONFIG": str(config_path), "LOADTEST_RESULT": str(result_path)}
    completed = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", host,
         "-u", str(users), "-r", str(spawn_rate), "-t", f"{seconds}s", "--stop-timeout", "10",
         "--csv", str(workdir / "load"), "--only-summary", "--loglevel", "WARNING"],
        cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True, timeout=seconds + 120,
    )
    stats = {}
    stats_file = workdir / "load_stats.csv"
    if stats_file.exists():
        with open(stats_file, encoding="utf-8") as handle:
            stats = {row["Name"]: row for row in csv.DictReader(handle)}
    if "Aggregated" not in stats or not result_path.exists():
        raise RuntimeError(f"locust gave no figures (exit {completed.returncode}):\n"
                           f"{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")
    total = stats.pop("Aggregated")
    failures = workdir / "load_failures.csv"
    return {
        "requests": int(total["Request Count"]), "errors": int(total["Failure Count"]),
        "p50_ms": float(total["50%"]), "p95_ms": float(total["95%"]), "rps": float(total["Requests/s"]),
        "by_name": {name: (int(row["Request Count"]), int(row["Failure Count"]), float(row["50%"]),
                           float(row["95%"])) for name, row in stats.items()},
        "failures": failures.read_text(encoding="utf-8") if failures.exists() else "",
        "writes": json.loads(result_path.read_text(encoding="utf-8")),
        "output": completed.stdout[-3000:] + completed.stderr[-3000:],
    }


def load_run(*, users=50, spawn_rate=10, seconds=60, workers=2, gunicorn_env=None, log=print):
    """The whole run: data, gunicorn, locust, counts. Returns the figures and `lost`."""
    config = prepare(sessions=users, log=log)
    before = row_counts(config)
    with tempfile.TemporaryDirectory(prefix="bench-load-") as workdir, \
            gunicorn(env=gunicorn_env, workers=workers) as host:
        figures = run_locust(host=host, config=config, users=users, spawn_rate=spawn_rate, seconds=seconds,
                             workdir=workdir)
    after = row_counts(config)
    answered = {kind: figures["writes"][kind] for kind in WRITE_KINDS}
    return {**figures, "before": before, "after": after, "answered": answered,
            "lost": lost_writes(before, after, answered)}


def database_url():
    """DATABASE_URL for gunicorn: the database this process uses (a test_ database in pytest)."""
    db = connection.settings_dict
    user = db["USER"] or ""
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Command(BaseCommand):
    help = ("Load test: 50 staff for 60 s of mixed reads and writes (locust) against gunicorn with two workers "
            "and PostgreSQL; prints p50/p95, requests and errors, then checks no write was lost.")

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--spawn-rate", type=int, default=10)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2).")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_load runs on PostgreSQL only: set DATABASE_URL, e.g. "
                               "postgres://postgres@127.0.0.1:5432/chamber_bench.")
        bench.migrate_if_needed("bench_load", "chamber_bench", log=self.stdout.write)
        out = self.stdout.write
        users, seconds = options["users"], options["seconds"]
        result = load_run(users=users, spawn_rate=options["spawn_rate"], seconds=seconds,
                          workers=options["workers"], gunicorn_env={"DATABASE_URL": database_url()}, log=out)
        out("")
        out(f"{'request':32} {'count':>7} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7}")
        for name, (count, errors, p50, p95) in sorted(result["by_name"].items()):
            out(f"{name:32} {count:7} {errors:6} {p50:7.0f} {p95:7.0f}")
        out("")
        out(f"Machine: {bench.machine_description()}; load {bench.load_average()}; "
            f"gunicorn {options['workers']} workers; PostgreSQL {connection.pg_version // 10000}")
        out(f"{users} users for {seconds} s: {result['requests']} requests ({result['rps']:.1f}/s), "
            f"{result['errors']} errors, p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms")
        writes = result["answered"]
        out("Writes answered 2xx: " + ", ".join(f"{k} {writes[k]}" for k in WRITE_KINDS)
            + f" (payment requests {result['writes']['payment_requests']}, retried keys recorded once)")
        gained = {k: result["after"][k] - result["before"][k] for k in WRITE_KINDS}
        out("Rows gained:         " + ", ".join(f"{k} {gained[k]}" for k in WRITE_KINDS)
            + " (people include the contacts' new people)")
        lost = sum(v for v in result["lost"].values() if v > 0)
        if result["lost"]:
            out(self.style.ERROR("LOST / EXTRA writes (expected − found): " + json.dumps(result["lost"])))
        else:
            out("No lost write: every write answered 2xx is in the database, once.")
        if result["failures"].count("\n") > 1:
            out("Failures:\n" + result["failures"])
        ok = not result["errors"] and not result["lost"]
        benchtable.record(f"load: {users} users × {seconds} s, mixed reads and writes", result["p50_ms"],
                          result["p95_ms"], None, "no error, no lost write", ok,
                          note=f"{result['requests']} requests, {result['rps']:.1f}/s, {result['errors']} errors, "
                               f"{lost} lost writes; gunicorn {options['workers']} workers")
        if not ok:
            raise CommandError(f"{result['errors']} failed requests, lost writes: {result['lost'] or 'none'}.")
