"""`python manage.py bench_import`: import 20,000 member rows from an .xlsx file.

A benchmark, not a test: it prints figures and compares them with the Excel issue's target
— 20,000 member rows imported in ≤ 60 s (reading and checking the file, then importing
every row) on PostgreSQL. It writes a workbook the way a secretariat's roster looks (the
template's Chinese headers, valid USCCs, contacts with mobiles, ranks and branches), makes
a fresh throwaway chamber `bench-import`, and runs the same services the pages call:
import_upload (read, store, check every row) and import_commit (re-check and apply). Both
run in this process, so the time is the work itself, not a worker's queue. The chamber is
dropped afterwards. See docs/benchmarks.md.
"""
import io
import time

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.test import override_settings
from django_scopes import scope, scopes_disabled

from branches.models import BranchKind
from branches.services import branch_create
from chamber import bench, benchtable
from chamber.access import access_for_user
from chamber.demo import make_uscc
from chamber.interchange.importing import import_commit, import_upload
from chamber.interchange.models import ImportKind, ImportMode, ImportStatus
from chamber.models import Chamber, ChamberKind, RoleKind
from chamber.services import chamber_create, role_grant
from members.models import Membership

SLUG = "bench-import"
ROWS = 20_000
TARGET_S = 60
BRANCHES = ("光缆分会", "光纤分会", "线缆分会", "通信设备分会", "电子材料分会", "青年企业家分会")
# The default ranks every chamber gets, in a usual mix per thousand members.
RANKS = (("会员单位", 800), ("理事单位", 150), ("常务理事单位", 35), ("副会长单位", 15))


def roster_workbook(rows):
    """An .xlsx roster of `rows` enterprise members, as bytes."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("会员名册")
    sheet.append(["会员类型", "会员名称", "统一社会信用代码", "法定代表人", "行业代码", "地址", "会员等级",
                  "所属分会", "会员编号", "入会日期", "联系人", "手机", "联系人职务"])
    ranks = [name for name, share in RANKS for _i in range(share)]
    for n in range(rows):
        name, _initials, industry = bench.enterprise_name(n)
        sheet.append([
            # 38,400 distinct names; the number keeps them apart beyond that, as real names differ.
            "企业会员", "{}{}".format(name, n), make_uscc("320505", 5_000_000 + n),
            bench.person_name(n)[0], industry, "{}{}号".format(bench.STREETS[n % len(bench.STREETS)], n % 999 + 1),
            ranks[n % len(ranks)], BRANCHES[n % len(BRANCHES)], "BI{:06d}".format(n),
            "20{:02d}-{:02d}-{:02d}".format(n % 25, n % 12 + 1, n % 28 + 1), bench.person_name(n + 7)[0],
            "139{:08d}".format(n), "办公室主任",
        ])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class Command(BaseCommand):
    help = ("Import 20,000 member rows from an .xlsx into a throwaway chamber and print the time of each step "
            "(target ≤ 60 s in all). PostgreSQL only: DATABASE_URL=postgres://…/chamber_bench.")

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=ROWS)

    def handle(self, *args, **options):
        rows = options["rows"]
        with scopes_disabled():
            old = Chamber.objects.filter(slug=SLUG).first()
        if old is not None:
            bench.drop_chamber(old, log=lambda *a: None)
        chamber = bench.bench_chamber_ready("bench_import", SLUG, rebuild=False, complete=lambda c: True,
                                            build=self.build)
        user, _created = get_user_model().objects.get_or_create(username="bench-import-secretary")
        with scope(chamber=chamber):
            role_grant(chamber=chamber, user=user, kind=RoleKind.SECRETARIAT, actor=None)
            access = access_for_user(chamber, user)

        started = time.perf_counter()
        content = roster_workbook(rows)
        made = time.perf_counter() - started
        upload = SimpleUploadedFile("会员名册.xlsx", content)
        # In this process: the benchmark times the work, not a worker picking it up.
        with override_settings(IMPORT_BACKGROUND_ROWS=rows + 1), scope(chamber=chamber):
            started = time.perf_counter()
            batch = import_upload(chamber=chamber, actor=user, access=access, kind=ImportKind.MEMBERS, file=upload)
            checked = time.perf_counter() - started
            if batch.status != ImportStatus.CHECKED or batch.error_rows:
                self.stderr.write("the file did not check clean: {} {} errors".format(batch.status, batch.error_rows))
                return
            started = time.perf_counter()
            batch = import_commit(batch=batch, actor=user, access=access, mode=ImportMode.ALL)
            imported = time.perf_counter() - started
            members = Membership.objects.filter(chamber=chamber).count()
        total = checked + imported
        verdict = "met" if total <= TARGET_S and members == rows else "MISSED"
        self.stdout.write("Import of {:,} member rows ({:.1f} MB .xlsx, written in {:.1f} s)".format(
            rows, len(content) / 1e6, made))
        self.stdout.write("  upload + read + check every row   {:7.1f} s".format(checked))
        self.stdout.write("  import (re-check + apply)          {:7.1f} s".format(imported))
        self.stdout.write("  total                              {:7.1f} s   target ≤ {} s   {}".format(
            total, TARGET_S, verdict))
        self.stdout.write("  members in the chamber afterwards  {:7,}   (batch status {})".format(members, batch.status))
        benchtable.record("import of member rows (check + apply)", total * 1000, None, None,
                          "≤ {} s".format(TARGET_S), total <= TARGET_S and members == rows,
                          note="{:,} rows: check {:.1f} s + apply {:.1f} s; {:,} members afterwards".format(
                              rows, checked, imported, members))
        bench.drop_chamber(chamber, log=lambda *a: None)

    def build(self):
        chamber = chamber_create(name="基准导入商会", slug=SLUG, kind=ChamberKind.INDUSTRY, actor=None)
        with scope(chamber=chamber):
            for index, name in enumerate(BRANCHES):
                branch_create(chamber=chamber, actor=None, name=name, kind=BranchKind.INDUSTRY,
                              code="b{}".format(index))
        return chamber
