"""The roster benchmark (`manage.py bench_roster`): build a large data set fast, then time
the roster list API in-process.

Building: chambers and branches go through the services (a few thousand rows, with their
paths and audit entries), members through `bulk_create` in batches (200,000 each of
Enterprise, Person, Contact and Membership, plus their MembershipBranch rows): the per-row
services would take hours at this size. Each chamber is built in one transaction, so an
interrupted build leaves whole chambers behind and the next run carries on from there.

Every value is derived from the chamber's and the member's number, so two builds are the
same data set.
"""
import datetime
import math
import os
import platform
import statistics
import time
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django_scopes import scope, scopes_disabled

from branches.models import Branch
from branches.services import branch_create
from chamber.demo import make_uscc
from chamber.models import Chamber, TenantModel
from chamber.services import chamber_create
from members.models import Contact, Enterprise, Membership, MembershipBranch, Person, Rank
from members.services import pinyin_initials

PREFIX = "bench-"
BIG_SLUG = "bench-000"
DEFAULT_CHAMBERS = 100
DEFAULT_BIG = 20_000
DEFAULT_TOTAL = 200_000
BATCH = 5_000

# --- Names from parts, with the pinyin initials of each part worked out once ---------------

CITIES = ("苏州", "吴江", "昆山", "常熟", "张家港", "太仓", "无锡", "南通", "杭州", "宁波", "上海", "郯城")
CORES = (
    "恒锐", "中瀚", "永鑫", "天缆", "通盛", "新光", "华缆", "宏亿", "润达", "长江", "七都", "金桥", "捷联", "云汇",
    "博通", "迅联", "锐讯", "科网", "华信", "天瑞", "联创", "众合", "光芯", "晶讯", "恒光", "纳光", "明德", "锦程",
    "博睿", "精测", "华拓", "诚远", "华彩", "晶显", "明辉", "光屏", "亮源", "易视", "新视", "高清",
)
# Two of the twenty trades contain 光电, so about one name in ten matches `search=光电`.
TRADES = (
    ("光电", "C3976"), ("光缆", "C3833"), ("光纤", "C3832"), ("线缆", "C3831"), ("电缆", "C3831"),
    ("通信", "C3921"), ("光通信", "C3921"), ("网络", "I6531"), ("光电子", "C3976"), ("激光", "C3976"),
    ("显示", "C3974"), ("液晶", "C3974"), ("精密", "C4040"), ("电子", "C3982"), ("材料", "C3985"),
    ("科技", "M7520"), ("智能", "I6532"), ("设备", "C3562"), ("检测", "M7452"), ("新能源", "C3825"),
)
SUFFIXES = ("有限公司", "股份有限公司", "集团有限公司", "有限责任公司")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = (
    "建国", "国强", "卫东", "志明", "永刚", "海峰", "建平", "晓东", "振宇", "伟", "建新", "小兵", "文斌", "国良",
    "海涛", "立新", "明华", "学军", "伟民", "志刚", "勇", "斌", "军", "宏", "德明", "建华", "永明", "荣", "春雷",
    "宏伟", "家俊", "浩然", "俊杰", "丽萍", "海燕", "晓梅", "红英", "秀英", "雪芳", "静", "慧敏", "玉兰", "丽华",
    "婷", "晓燕", "文静", "美玲", "桂芳",
)
NAME_SPACE = len(CITIES) * len(CORES) * len(TRADES) * len(SUFFIXES)  # 38,400 names
STREETS = ("创业路", "科技大道", "工业园路", "新华路", "人民路", "建设路", "长安路", "友谊路")
DIVISIONS = ("320505", "320506", "320507", "320508", "320509", "320581", "320582", "320583", "320585",
             "330106", "330108", "371322", "310115", "440306")

# Status and rank mixes, per thousand members.
STATUSES = (("active", 850), ("applied", 40), ("suspended", 30), ("lapsed", 40), ("left", 40))
RANKS = (("president", 1), ("executive-president", 2), ("vice-president", 12), ("standing-council", 35),
         ("council", 150), ("member", 800))


class _Initials:
    def __init__(self):
        self.cache = {}

    def __call__(self, part):
        if part not in self.cache:
            self.cache[part] = pinyin_initials(part)
        return self.cache[part]


initials = _Initials()


def _pick(table, n):
    """Spread `n` over a per-thousand table."""
    n %= 1000
    for value, share in table:
        if n < share:
            return value
        n -= share
    return table[-1][0]


def enterprise_name(k):
    """The k-th of 38,400 distinct names; consecutive k give unlike names."""
    k = (k * 7919) % NAME_SPACE
    k, s = divmod(k, len(SUFFIXES))
    k, t = divmod(k, len(TRADES))
    c, core = divmod(k, len(CORES))
    parts = (CITIES[c % len(CITIES)], CORES[core], TRADES[t][0], SUFFIXES[s])
    return "".join(parts), "".join(initials(p) for p in parts), TRADES[t][1]


def person_name(k):
    surname = SURNAMES[k % len(SURNAMES)]
    given = GIVEN[(k // len(SURNAMES)) % len(GIVEN)]
    return surname + given, initials(surname) + initials(given), "female" if given in GIVEN[33:] else "male"


# --- The plan ---------------------------------------------------------------------------------

@dataclass
class ChamberPlan:
    index: int
    slug: str
    name: str
    members: int
    branch_shape: tuple  # children per node, level by level
    division: str


def plan(chambers=DEFAULT_CHAMBERS, big=DEFAULT_BIG, total=DEFAULT_TOTAL):
    """One big chamber and the rest of `total` shared evenly by the others."""
    others = chambers - 1
    rest = total - big
    plans = [ChamberPlan(0, BIG_SLUG, "基准测试光电产业商会", big, (4, 3, (2, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0)), "320500")]
    for i in range(1, chambers):
        n = rest // others + (1 if i <= rest % others else 0)
        plans.append(ChamberPlan(i, f"{PREFIX}{i:03d}", f"基准测试商会{i:03d}", n, (3, (3, 2, 2)), DIVISIONS[i % len(DIVISIONS)][:4] + "00"))
    return plans


# --- Building ---------------------------------------------------------------------------------

def bench_chambers():
    return Chamber.objects.filter(slug__startswith=PREFIX)


def foreign_chambers():
    return Chamber.objects.exclude(slug__startswith=PREFIX)


def membership_count(chamber):
    with scopes_disabled():
        return Membership.objects.filter(chamber=chamber).count()


def delete_chambers(chambers):
    """Delete the throwaway chambers of a benchmark or data set and all they own, fast: one
    DELETE per table; returns how many. The one deletion every bench command shares.

    Foreign keys are checked at commit on PostgreSQL (Django creates them DEFERRABLE
    INITIALLY DEFERRED), so the order of the table deletes does not matter.
    """
    from evaluations.models import SubmissionUserObjectPermission
    from members.models import EnterpriseUserObjectPermission

    with transaction.atomic(), scopes_disabled():
        ids = list(chambers.values_list("pk", flat=True))
        if not ids:
            return 0
        if connection.vendor == "postgresql":
            # Money tables refuse DELETE (chamber.ledger's triggers); throwaway bench
            # chambers are the one place where whole ledgers may go, so skip user triggers
            # for this transaction only.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        for permission in (EnterpriseUserObjectPermission, SubmissionUserObjectPermission):
            permission.objects.filter(content_object__chamber_id__in=ids)._raw_delete(connection.alias)
        for model in apps.get_models():
            if issubclass(model, TenantModel):
                model._base_manager.filter(chamber_id__in=ids)._raw_delete(connection.alias)
        # A federation among them supervises others (PROTECT): unlink before deleting.
        Chamber.objects.filter(pk__in=ids).update(supervising_federation=None)
        Chamber.objects.filter(pk__in=ids).delete()
    return len(ids)


def drop_bench_data(log=print):
    """Delete every bench chamber and all it owns."""
    started = time.perf_counter()
    with scopes_disabled():
        count = delete_chambers(bench_chambers())
    if count:
        log(f"Dropped {count} bench chambers in {time.perf_counter() - started:.1f} s.")
    return count


def _branches(chamber, shape):
    """Create the chamber's branch tree; shape = (top-level count, children per top node, …).

    An int at a level means "that many under every node"; a tuple gives the count node by node.
    """
    created = []
    level_nodes = [None]
    for depth, spec in enumerate(shape):
        next_level = []
        for i, parent in enumerate(level_nodes):
            count = spec[i] if isinstance(spec, tuple) else spec
            if isinstance(spec, tuple) and i >= len(spec):
                count = 0
            for j in range(count):
                code = f"B{depth + 1}-{len(created) + 1:02d}"
                name = f"{parent.name if parent else ''}{'分会' if depth == 0 else '专委会' if depth == 1 else '小组'}{j + 1}"
                branch = branch_create(chamber=chamber, actor=None, name=name[-60:], code=code,
                                       kind="branch" if depth == 0 else "committee", parent=parent)
                created.append(branch)
                next_level.append(branch)
        level_nodes = next_level
    return created


def build_chamber(p, serial_base):
    """One chamber with its ranks, branches and `p.members` members, in one transaction."""
    with transaction.atomic():
        chamber = chamber_create(actor=None, name=p.name, slug=p.slug, kind="industry", division_code=p.division)
        with scope(chamber=chamber):
            branches = _branches(chamber, p.branch_shape)
            ranks = {r.code: r for r in Rank.objects.filter(chamber=chamber)}
            for start in range(0, p.members, BATCH):
                _build_batch(chamber, p, branches, ranks, range(start, min(start + BATCH, p.members)), serial_base)
    return chamber


def _build_batch(chamber, p, branches, ranks, numbers, serial_base):
    enterprises, people = [], []
    for n in numbers:
        serial = serial_base + n
        name, name_initials, industry = enterprise_name(p.index * 1_000_003 + n)
        division = DIVISIONS[(p.index + n) % len(DIVISIONS)]
        person, person_initials, gender = person_name(serial * 31 + 7)
        enterprises.append(Enterprise(
            chamber=chamber, name=name, name_initials=name_initials, uscc=make_uscc(division, serial),
            legal_representative=person, industry_code=industry, division_code=division,
            address=f"{STREETS[n % len(STREETS)]}{n % 500 + 1}号",
            founded_on=datetime.date(1995 + n % 28, 1 + n % 12, 1 + n % 28), employees=10 + (serial * 13) % 2000,
        ))
        people.append(Person(chamber=chamber, name=person, name_initials=person_initials, gender=gender,
                             mobile=f"13{serial % 10**9:09d}"))
    Enterprise.objects.bulk_create(enterprises, batch_size=BATCH)
    Person.objects.bulk_create(people, batch_size=BATCH)
    Contact.objects.bulk_create(
        [Contact(chamber=chamber, enterprise=e, person=pe, title="总经理", is_primary=True)
         for e, pe in zip(enterprises, people)],
        batch_size=BATCH,
    )
    memberships = []
    for n, enterprise in zip(numbers, enterprises):
        status = _pick(STATUSES, n * 7 + 3)
        joined = datetime.date(2008 + n % 18, 1 + n % 12, 1 + (n * 7) % 28)
        memberships.append(Membership(
            chamber=chamber, kind="enterprise", enterprise=enterprise, name=enterprise.name,
            rank=ranks[_pick(RANKS, n * 13 + 5)],
            member_number="" if status == "applied" else f"M{n + 1:06d}",
            joined_on=None if status == "applied" else joined,
            left_on=datetime.date(2025, 1 + n % 12, 1) if status == "left" else None,
            status=status,
        ))
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    links = []
    for n, membership in zip(numbers, memberships):
        links.append(MembershipBranch(chamber=chamber, membership=membership, branch=branches[n % len(branches)]))
        if n % 5 == 0:  # one member in five is also in a second branch
            other = branches[(n * 7 + 3) % len(branches)]
            if other.pk != links[-1].branch.pk:
                links.append(MembershipBranch(chamber=chamber, membership=membership, branch=other))
    MembershipBranch.objects.bulk_create(links, batch_size=BATCH)


def build(plans, log=print):
    """Build what is missing; returns (built chamber count, seconds)."""
    started = time.perf_counter()
    built = 0
    serial_base = 0
    existing = {c.slug: c for c in bench_chambers()}
    for p in plans:
        base = serial_base
        serial_base += p.members
        chamber = existing.get(p.slug)
        if chamber is not None:
            if membership_count(chamber) == p.members:
                continue
            raise RuntimeError(
                f"Bench chamber {p.slug} exists with {membership_count(chamber)} members instead of {p.members}; "
                "run with --rebuild."
            )
        t0 = time.perf_counter()
        build_chamber(p, base)
        built += 1
        if p.index == 0 or built % 10 == 0:
            log(f"  {p.slug}: {p.members} members in {time.perf_counter() - t0:.1f} s "
                f"({built} chambers built, {time.perf_counter() - started:.0f} s so far)")
    return built, time.perf_counter() - started


def analyze(log=print):
    started = time.perf_counter()
    tables = [m._meta.db_table for m in (Chamber, Branch, Rank, Enterprise, Person, Contact, Membership, MembershipBranch)]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'VACUUM (ANALYZE) "{table}"')
    log(f"VACUUM (ANALYZE) of {len(tables)} tables in {time.perf_counter() - started:.1f} s.")


# --- Measuring --------------------------------------------------------------------------------

@dataclass
class Result:
    scenario: str
    query: str
    count: int = 0
    timings_ms: list = field(default_factory=list)
    queries: list = field(default_factory=list)
    cpu_ms: list = field(default_factory=list)
    db_ms: list = field(default_factory=list)
    target: tuple = (None, None, None)  # (p50 ms, p95 ms, queries); None: no target
    fixed_queries: bool = False  # the same number of queries for every request (web pages)

    def percentile(self, q):
        """Nearest-rank percentile."""
        ordered = sorted(self.timings_ms)
        return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]

    @property
    def p50(self):
        return statistics.median(self.timings_ms)

    @property
    def p95(self):
        return self.percentile(95)


def machine_description():
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cores} cores{', ' + model if model else ''}; {platform.system()} {platform.release()}; Python {platform.python_version()}"


def load_average():
    try:
        return "%.2f" % os.getloadavg()[0]
    except OSError:
        return "?"


# The calibration loop's time on this machine type when its host is quiet (2-core AMD EPYC
# VM, Python 3.11): about 280 ms. The same loop has been seen to take twice that on the
# same VM when the host is contended, and every latency of a run scales with it.
CALIBRATION_QUIET_MS = 280


def calibration_ms():
    """Time of a fixed pure-Python loop: how fast this CPU is right now, independent of
    the database and of the code under test."""
    start = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i * i
    return (time.perf_counter() - start) * 1000


def busy(load):
    """True when the 1-minute load average says other work competed for the CPUs."""
    try:
        return float(load) > 0.5 * (os.cpu_count() or 1)
    except ValueError:
        return False


def database_description():
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0]
    return version.split(" on ")[0] + f" (database {settings.DATABASES['default']['NAME']})"


def page_numbers(pages, n):
    """n page numbers spread over 1..pages (first, last and deep pages included)."""
    if pages <= 1:
        return [1] * n
    step = 7919 % pages or 1
    while math.gcd(step, pages) != 1:
        step += 1
    return [1 + (i * step) % pages for i in range(n)]


def search_terms(chamber):
    """What staff type into the member search, taken from the big chamber's own data (inside
    its scope): Chinese of two, three and four characters, a USCC fragment, a mobile fragment,
    pinyin initials and a contact's name."""
    from members.models import Person

    enterprise = Enterprise.objects.filter(chamber=chamber).order_by("pk")[4999]
    person = Person.objects.filter(chamber=chamber).order_by("pk")[6999]
    name_parts = enterprise.name
    return [
        ("Chinese, 2 characters", "光电"),
        ("Chinese, 3 characters", name_parts[2:5]),
        ("Chinese, 4 characters", name_parts[2:6]),
        ("USCC fragment", enterprise.uscc[-8:]),
        ("mobile fragment", person.mobile[-6:]),
        ("pinyin initials", enterprise.name_initials[:4]),
        ("contact name", person.name),
    ]


# Random page cost for a database whose data sits in memory or on SSD (PostgreSQL's default,
# 4, is for spinning disks). With 4 the planner read a whole chamber through its B-tree
# instead of a trigram index that finds 50 rows (docs/benchmarks.md).
RANDOM_PAGE_COST = "1.1"


def tune(log=print):
    """Set random_page_cost on the (dedicated) bench database, for the connections to come."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        if cursor.fetchone()[0] == RANDOM_PAGE_COST:
            return
        name = connection.ops.quote_name(settings.DATABASES["default"]["NAME"])
        cursor.execute(f"ALTER DATABASE {name} SET random_page_cost = {RANDOM_PAGE_COST}")
    connection.close()  # the setting applies to new sessions
    log(f"Set random_page_cost = {RANDOM_PAGE_COST} on the bench database (SSD / in-memory data).")


# --- One throwaway chamber per benchmark (bench_money, bench_events) ------------------------

def nearest_rank(values, q):
    """The q-th percentile of `values` by nearest rank (the figure the tables print as p95)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def time_calls(fn, runs):
    """(milliseconds per run, set of query counts) of `fn` over `runs` runs after one warm-up."""
    from django.test.utils import CaptureQueriesContext

    fn()  # warm-up: caches, plans
    times, queries = [], set()
    for _i in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
        queries.add(len(captured))
    return times, queries


def drop_chamber(chamber, log=print):
    """Delete one bench chamber and everything it owns, one DELETE per table.

    The ledger's triggers refuse DELETE on money rows; a throwaway bench chamber is the one
    exception, so user triggers are skipped for this transaction only.
    """
    started = time.perf_counter()
    delete_chambers(Chamber.objects.filter(pk=chamber.pk))
    log(f"Dropped {chamber.slug} in {time.perf_counter() - started:.1f} s.")


def bench_chamber_ready(command, slug, *, rebuild, complete, build):
    """The bench chamber `slug`, built when missing, incomplete (`complete(chamber)` is false)
    or `rebuild` is asked; refuses anything but a dedicated PostgreSQL bench database."""
    from django.core.management.base import CommandError

    if connection.vendor != "postgresql":
        raise CommandError(f"{command} runs on PostgreSQL only: set DATABASE_URL, e.g. "
                           "postgres://postgres@127.0.0.1:5432/chamber_bench.")
    with scopes_disabled():
        others = foreign_chambers().count()
        chamber = Chamber.objects.filter(slug=slug).first()
    if others:
        raise CommandError(f"This database holds {others} chambers that are not bench chambers; "
                           "point DATABASE_URL at the dedicated bench database.")
    if chamber is not None and (rebuild or not complete(chamber)):
        drop_chamber(chamber)
        chamber = None
    return chamber if chamber is not None else build()


def migrate_if_needed(command, database, log=print):
    """Apply pending migrations to a PostgreSQL bench database (named `database` in the hint
    shown elsewhere); refuses when the database holds chambers that are not bench chambers."""
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.db.migrations.executor import MigrationExecutor

    if connection.vendor != "postgresql":
        raise CommandError(f"{command} runs on PostgreSQL only: set DATABASE_URL, e.g. "
                           f"postgres://postgres@127.0.0.1:5432/{database}.")
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not pending:
        return
    if Chamber._meta.db_table in connection.introspection.table_names():
        with scopes_disabled():
            if foreign_chambers().exists():
                raise CommandError(f"{len(pending)} migrations are not applied; run `manage.py migrate` first.")
    log(f"Applying {len(pending)} migrations to the bench database …")
    call_command("migrate", interactive=False, verbosity=0)
