"""`python manage.py bench_export`: export 100,000 members to .xlsx and report the figures.

A benchmark, not a test: it prints wall time, rows, file size and peak memory and compares
them with the Excel issue's targets (100,000 members to .xlsx in ≤ 30 s, peak memory
≤ 300 MB). It builds (once) a throwaway chamber `bench-export` with 100,000 members in the
bench database (chamber.bench's bulk builder: enterprises, primary contacts with mobiles,
branches, ranks), then runs the export in a fresh child process that does nothing else:
the member roster export kind (members/exports.py) through the .xlsx writer
(chamber/interchange/writing.py), as a chamber administrator, into a temporary file.

Peak memory is the child's `resource.getrusage(RUSAGE_SELF).ru_maxrss` (the whole process:
Python, Django and the export), with its resident size just before the export started
for comparison. The wall time covers the queries, the rows and writing the zip.
"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django_scopes import scope, scopes_disabled

from chamber import bench, benchtable
from chamber.models import Chamber

SLUG = "bench-export"
MEMBERS = 100_000
TARGET_SECONDS = 30
TARGET_MB = 300


def _rss_mb():
    """The current resident size (Linux /proc), in MB; None elsewhere."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError):
        return None


class Command(BaseCommand):
    help = (
        "Build (once) a chamber `bench-export` with 100,000 members, then export them all to .xlsx in a child "
        "process and print wall time, rows, file size and peak memory (targets: ≤ 30 s, ≤ 300 MB). "
        "PostgreSQL only: DATABASE_URL=postgres://…/chamber_bench_exports."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Drop bench-export and build it again.")
        parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
        parser.add_argument("--child", action="store_true", help=argparse_suppress())

    def handle(self, *args, **options):
        if options["child"]:
            return self.child(options["format"])
        bench.migrate_if_needed("bench_export", "chamber_bench_exports", log=self.stdout.write)
        chamber = bench.bench_chamber_ready("bench_export", SLUG, rebuild=options["rebuild"], complete=self.complete,
                                            build=self.build)
        self.stdout.write(f"{chamber.slug}: {bench.membership_count(chamber):,} members. Exporting to "
                          f"{options['format']} in a child process …")
        command = [sys.executable, os.path.abspath(sys.argv[0]), "bench_export", "--child", "--format", options["format"]]
        done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy())
        if done.returncode != 0:
            raise CommandError("The export failed:\n" + done.stderr[-3000:])
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        self.report(figures, options["format"])

    # --- building -----------------------------------------------------------------------------

    def complete(self, chamber):
        return bench.membership_count(chamber) == MEMBERS

    def build(self):
        started = time.perf_counter()
        plan = bench.ChamberPlan(950, SLUG, "基准测试商会（导出）", MEMBERS, (4, 3, (2, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0)),
                                 "320500")
        with scopes_disabled():
            chamber = bench.build_chamber(plan, serial_base=7_000_000)
        bench.analyze(log=self.stdout.write)
        self.stdout.write(f"Built {SLUG} ({MEMBERS:,} members) in {time.perf_counter() - started:.1f} s.")
        return chamber

    # --- the export, in a process of its own -------------------------------------------------

    def child(self, file_format):
        from chamber.access import ROLE_CAPABILITIES, Access
        from chamber.interchange.exporting import ExportJob, export_kind_spec
        from chamber.models import RoleKind
        from django.test.utils import CaptureQueriesContext

        with scopes_disabled():
            chamber = Chamber.objects.get(slug=SLUG)
        # A chamber administrator's access (every capability chamber-wide, PERSONAL_DATA too).
        access = Access(chamber=chamber, grants={c: [None] for c in ROLE_CAPABILITIES[RoleKind.CHAMBER_ADMIN]})
        spec = export_kind_spec("members")
        rss_before = _rss_mb()
        with tempfile.TemporaryDirectory() as folder, scope(chamber=chamber):
            path = os.path.join(folder, "members." + file_format)
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                job = ExportJob(spec, chamber=chamber, access=access, params={})
                with open(path, "wb") as handle:
                    rows = job.write(handle, file_format)
            seconds = time.perf_counter() - started
            size = os.path.getsize(path)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
        print(json.dumps({"rows": rows, "seconds": seconds, "bytes": size, "peak_mb": peak_mb,
                          "rss_before_mb": rss_before, "queries": len(queries)}))

    def report(self, figures, file_format):
        seconds, peak = figures["seconds"], figures["peak_mb"]
        ok_time = seconds <= TARGET_SECONDS
        ok_memory = peak <= TARGET_MB
        self.stdout.write("")
        self.stdout.write(f"Export of all members of {SLUG} to .{file_format} (members export kind, xlsx writer, "
                          "as a chamber administrator), in a child process that does only the export:")
        self.stdout.write(f"  rows          {figures['rows']:,}")
        self.stdout.write(f"  wall time     {seconds:.1f} s   (target ≤ {TARGET_SECONDS} s: "
                          f"{'met' if ok_time else 'MISSED'})")
        self.stdout.write(f"  file size     {figures['bytes'] / 2**20:.1f} MB")
        self.stdout.write(f"  queries       {figures['queries']} (ids, then three per chunk of 2,000 members)")
        before = figures["rss_before_mb"]
        self.stdout.write(f"  peak memory   {peak:.0f} MB   (ru_maxrss of the child process; "
                          f"{before:.0f} MB resident before the export; target ≤ {TARGET_MB} MB: "
                          f"{'met' if ok_memory else 'MISSED'})" if before is not None else
                          f"  peak memory   {peak:.0f} MB   (ru_maxrss of the child process)")
        self.stdout.write(f"  machine       {bench.machine_description()}")
        benchtable.record(f"export of all members to .{file_format}", seconds * 1000, None,
                          figures["queries"], f"≤ {TARGET_SECONDS} s, ≤ {TARGET_MB} MB", ok_time and ok_memory,
                          note=f"{figures['rows']:,} rows, peak memory {peak:.0f} MB, {figures['bytes'] / 2**20:.1f} MB file; queries in all")
        style = self.style.SUCCESS if ok_time and ok_memory else self.style.WARNING
        self.stdout.write(style("Targets met." if ok_time and ok_memory else "A target was missed."))


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS
