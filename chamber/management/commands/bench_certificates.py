"""`python manage.py bench_certificates`: certificate rendering figures, compared with the
certificates issue's targets. A benchmark, not a test: it prints figures.

1. One certificate, warm: rendered once (fonts and templates loaded), then rendered again
   ten times with its cached PDF dropped each time (services.certificate_pdf: the context,
   the template, WeasyPrint, the file stored on the row). Target: p50 ≤ 0.3 s, ≤ 400 KB.
2. 500 certificates rendered by a real Celery worker with two processes
   (`celery -A chamber worker -c 2`, started here as a subprocess on a queue of its own so
   no other worker on the same Redis takes the messages): wall time from sending the 500
   `certificate_render` tasks to the last PDF stored. Target: ≤ 90 s.

Data: a throwaway chamber `bench-certs` with 500 rating certificates inserted in bulk
(holder names from chamber.bench's generator); their cached PDFs are dropped before each
run. PostgreSQL and Redis only:
DATABASE_URL=postgres://postgres@127.0.0.1:5432/chamber_bench_certs REDIS_URL=redis://127.0.0.1:6379/0
"""
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django_scopes import scope, scopes_disabled

from chamber import bench, benchtable
from chamber.models import Certificate

SLUG = "bench-certs"
COUNT = 500
QUEUE = "bench-certificates"
TARGET_ONE_S = 0.3
TARGET_ONE_KB = 400
TARGET_MANY_S = 90


class Command(BaseCommand):
    help = ("Time one certificate rendered warm (target p50 ≤ 0.3 s, ≤ 400 KB) and 500 certificates rendered by a "
            "real Celery worker with two processes (target ≤ 90 s). PostgreSQL and Redis only.")

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=10, help="Warm renders of one certificate (default 10).")
        parser.add_argument("--count", type=int, default=COUNT, help="Certificates for the worker (default 500).")
        parser.add_argument("--concurrency", type=int, default=2, help="Worker processes (default 2).")

    def handle(self, *args, **options):
        if not os.environ.get("REDIS_URL"):
            raise CommandError("bench_certificates needs Redis for its worker: set REDIS_URL=redis://127.0.0.1:6379/0.")
        bench.migrate_if_needed("bench_certificates", "chamber_bench_certs", log=self.stdout.write)
        chamber = self.ensure_data(options["count"])
        out = self.stdout.write
        one = self.one_warm(chamber, options["runs"])
        many = self.many_by_worker(chamber, options["count"], options["concurrency"])
        out("")
        out(f"Machine: {bench.machine_description()}; load {bench.load_average()}; "
            f"PostgreSQL {connection.pg_version // 10000}")
        p50, size_kb = statistics.median(one["seconds"]), one["bytes"] / 1024
        out(f"One certificate, warm, without the cache ({len(one['seconds'])} runs): p50 {p50:.3f} s, "
            f"min {min(one['seconds']):.3f} s, max {max(one['seconds']):.3f} s "
            f"(first, cold: {one['cold']:.3f} s) → target ≤ {TARGET_ONE_S} s: {'MET' if p50 <= TARGET_ONE_S else 'MISSED'}")
        out(f"Its size: {size_kb:.0f} KB → target ≤ {TARGET_ONE_KB} KB: {'MET' if size_kb <= TARGET_ONE_KB else 'MISSED'}")
        out(f"{many['count']} certificates by a worker with {options['concurrency']} processes: {many['seconds']:.1f} s "
            f"from sending to the last one stored ({many['count'] / many['seconds']:.1f} a second; worker start-up "
            f"{many['startup']:.1f} s not counted) → target ≤ {TARGET_MANY_S} s: "
            f"{'MET' if many['seconds'] <= TARGET_MANY_S else 'MISSED'}")
        benchtable.record("certificate, one rendered warm", p50 * 1000, bench.nearest_rank(one["seconds"], 95) * 1000,
                          None, f"p50 ≤ {TARGET_ONE_S} s, ≤ {TARGET_ONE_KB} KB",
                          p50 <= TARGET_ONE_S and size_kb <= TARGET_ONE_KB, note=f"{size_kb:.0f} KB")
        benchtable.record("certificates, a batch by a worker", many["seconds"] * 1000, None, None,
                          f"≤ {TARGET_MANY_S} s", many["seconds"] <= TARGET_MANY_S,
                          note=f"{many['count']} certificates, {options['concurrency']} worker processes, {many['count'] / many['seconds']:.1f} a second")

    # --- data -----------------------------------------------------------------------------------

    def ensure_data(self, count):
        from chamber.services import chamber_create

        def build():
            with scopes_disabled():
                return chamber_create(actor=None, name="基准测试工商业联合会（证书）", short_name="基准工商联",
                                      slug=SLUG, kind="federation", division_code="320500")

        # Kept between runs: the certificates missing are topped up below.
        chamber = bench.bench_chamber_ready("bench_certificates", SLUG, rebuild=False, complete=lambda c: True,
                                            build=build)
        with transaction.atomic(), scope(chamber=chamber):
            have = Certificate.objects.filter(chamber=chamber).count()
            today = datetime.date(2026, 12, 20)
            Certificate.objects.bulk_create([
                Certificate(chamber=chamber, kind="rating", number="BENCH-{:05d}".format(n + 1),
                            holder_name=bench.enterprise_name(n)[0], title=("四星级商会", "五星级商会", "三星级商会")[n % 3],
                            issuer_name=chamber.name, issued_on=today, valid_until=datetime.date(2029, 12, 19))
                for n in range(have, count)
            ], batch_size=1000)
        self.stdout.write(f"{SLUG}: {max(have, count)} certificates ({max(0, count - have)} inserted now).")
        return chamber

    def drop_cache(self, chamber, pks=None):
        """Forget the cached PDFs (and delete their files) so everything renders again."""
        with scope(chamber=chamber):
            rows = Certificate.objects.filter(chamber=chamber).exclude(pdf="")
            if pks is not None:
                rows = rows.filter(pk__in=pks)
            for certificate in rows.only("pk", "pdf"):
                certificate.pdf.delete(save=False)
            rows.update(pdf="", pdf_rendered_at=None)

    # --- 1. one certificate, warm ---------------------------------------------------------------

    def one_warm(self, chamber, runs):
        from chamber.documents.services import certificate_pdf

        with scope(chamber=chamber):
            certificate = Certificate.objects.filter(chamber=chamber).order_by("pk").first()
            self.drop_cache(chamber, [certificate.pk])
            certificate.refresh_from_db()
            started = time.perf_counter()
            data = certificate_pdf(certificate)
            cold = time.perf_counter() - started
            seconds = []
            for _i in range(runs):
                self.drop_cache(chamber, [certificate.pk])
                certificate.refresh_from_db()
                started = time.perf_counter()
                data = certificate_pdf(certificate)
                seconds.append(time.perf_counter() - started)
        return {"cold": cold, "seconds": seconds, "bytes": len(data)}

    # --- 2. many, by a real worker --------------------------------------------------------------

    def many_by_worker(self, chamber, count, concurrency):
        from chamber.celery import app
        from chamber.documents.tasks import certificate_render

        self.drop_cache(chamber)
        with scope(chamber=chamber):
            pks = list(Certificate.objects.filter(chamber=chamber).order_by("pk").values_list("pk", flat=True)[:count])
        with scopes_disabled():
            pending = Certificate.objects.filter(pk__in=pks, pdf="")
        app.conf.task_always_eager = False  # through the broker, whatever the settings say
        node = f"bench-certs-{os.getpid()}@%h"
        with tempfile.TemporaryFile(mode="w+") as log:
            started = time.perf_counter()
            worker = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "chamber", "worker", "-c", str(concurrency), "-Q", QUEUE,
                 "-l", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", node],
                cwd=settings.BASE_DIR, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL)
            try:
                self.wait_ready(app, node.replace("%h", os.uname().nodename), worker, log)
                startup = time.perf_counter() - started
                self.stdout.write(f"Worker ready after {startup:.1f} s; sending {len(pks)} certificate_render tasks …")
                sent = time.perf_counter()
                for pk in pks:
                    certificate_render.apply_async((pk,), queue=QUEUE)
                left = len(pks)
                while left:
                    if worker.poll() is not None:
                        log.seek(0)
                        raise CommandError("The worker exited:\n" + log.read()[-3000:])
                    if time.perf_counter() - sent > 10 * TARGET_MANY_S:
                        raise CommandError(f"Gave up: {left} certificates still not rendered.")
                    time.sleep(0.2)
                    left = pending.count()
                seconds = time.perf_counter() - sent
            finally:
                worker.terminate()
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
        return {"count": len(pks), "seconds": seconds, "startup": startup}

    def wait_ready(self, app, node, worker, log):
        deadline = time.perf_counter() + 60
        while time.perf_counter() < deadline:
            if worker.poll() is not None:
                log.seek(0)
                raise CommandError("The worker did not start:\n" + log.read()[-3000:])
            if app.control.ping(destination=[node], timeout=0.5):
                return
        raise CommandError("The worker did not answer within 60 s.")
