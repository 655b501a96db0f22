"""The read-replica router (chamber.db_router, docs/scaling.md): report reads go to the
"replica" alias inside reading_from_replica(), everything else to "default".

In the test settings "replica" is a TEST MIRROR of "default": the same database through a
second connection, so each alias's queries can be captured apart. The tests are
transactional (rows committed), because the router keeps reads on "default" inside a
transaction, and the test case's own wrapping transaction would be one.
"""
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope

from chamber.db_router import REPLICA_ALIAS, ReplicaRouter, reading_from_replica, reads_from_replica
from chamber.models import Chamber
from members.models import Membership

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


class Captured:
    """The SQL each alias ran inside the block."""

    def __enter__(self):
        self.default = CaptureQueriesContext(connections["default"])
        self.replica = CaptureQueriesContext(connections[REPLICA_ALIAS])
        self.default.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc):
        self.replica.__exit__(*exc)
        self.default.__exit__(*exc)

    @staticmethod
    def _sql(context):
        return [q["sql"] for q in context.captured_queries]

    @property
    def on_default(self):
        return self._sql(self.default)

    @property
    def on_replica(self):
        return self._sql(self.replica)


def _reads(statements, table):
    return [s for s in statements if s.lstrip().upper().startswith("SELECT") and table in s]


def test_the_mirror_is_a_second_connection_to_the_same_database(chamber):
    assert connections[REPLICA_ALIAS] is not connections["default"]
    assert connections[REPLICA_ALIAS].settings_dict["NAME"] == connections["default"].settings_dict["NAME"]


def test_reads_inside_the_context_go_to_the_replica_and_see_committed_rows(chamber, member):
    with Captured() as captured, reading_from_replica(), scope(chamber=chamber):
        names = list(Chamber.objects.filter(pk=chamber.pk).values_list("name", flat=True))
        members = list(Membership.objects.filter(chamber=chamber).values_list("pk", flat=True))
    assert names == [chamber.name]
    assert members == [member.pk]
    assert len(_reads(captured.on_replica, "chamber_chamber")) == 1
    assert len(_reads(captured.on_replica, "members_membership")) == 1
    assert captured.on_default == []


def test_reads_outside_the_context_stay_on_default(chamber):
    with Captured() as captured:
        assert Chamber.objects.filter(pk=chamber.pk).exists()
    assert captured.on_replica == []
    assert len(_reads(captured.on_default, "chamber_chamber")) == 1


def test_writes_inside_the_context_go_to_default(chamber):
    with Captured() as captured, reading_from_replica():
        Chamber.objects.filter(pk=chamber.pk).update(short_name="改名")
        loaded = Chamber.objects.get(pk=chamber.pk)  # read: replica
        loaded.short_name = "再改"
        loaded.save(update_fields=["short_name"])  # written to default although read from the replica
    assert loaded._state.db == "default"
    assert captured.on_replica and all(s.lstrip().upper().startswith("SELECT") for s in captured.on_replica)
    writes = [s for s in captured.on_default if s.lstrip().upper().startswith("UPDATE")]
    assert len(writes) == 2
    assert Chamber.objects.get(pk=chamber.pk).short_name == "再改"


def test_inside_a_transaction_on_default_reads_stay_on_default(chamber):
    """A replica lags and cannot see the transaction's own uncommitted rows."""
    with Captured() as captured, reading_from_replica():
        with transaction.atomic():
            Chamber.objects.filter(pk=chamber.pk).update(short_name="事务中")
            assert Chamber.objects.get(pk=chamber.pk).short_name == "事务中"
        # After the transaction, reads go to the replica again.
        assert Chamber.objects.filter(pk=chamber.pk).exists()
    assert len(_reads(captured.on_default, "chamber_chamber")) == 1
    assert len(_reads(captured.on_replica, "chamber_chamber")) == 1


def test_without_a_replica_alias_everything_is_default(chamber, monkeypatch):
    """No REPLICA_DATABASE_URL: the context manager changes nothing."""
    monkeypatch.delitem(django_settings.DATABASES, REPLICA_ALIAS)
    with Captured() as captured, reading_from_replica():
        assert Chamber.objects.filter(pk=chamber.pk).exists()
    assert captured.on_replica == []
    assert len(captured.on_default) == 1


def test_the_switch_is_reset_after_the_block_even_on_error(chamber):
    with pytest.raises(RuntimeError), reading_from_replica():
        with reading_from_replica():
            pass  # nested: the outer block still reads from the replica
        assert ReplicaRouter().db_for_read(Chamber) == REPLICA_ALIAS
        raise RuntimeError
    assert ReplicaRouter().db_for_read(Chamber) == "default"


def test_the_decorator_covers_functions_and_generators(chamber):
    @reads_from_replica
    def count():
        return Chamber.objects.filter(pk=chamber.pk).count()

    @reads_from_replica
    def names():
        yield from Chamber.objects.filter(pk=chamber.pk).values_list("name", flat=True)

    with Captured() as captured:
        assert count() == 1
        assert list(names()) == [chamber.name]
        assert Chamber.objects.filter(pk=chamber.pk).exists()  # after them: default again
    assert len(_reads(captured.on_replica, "chamber_chamber")) == 2
    assert len(_reads(captured.on_default, "chamber_chamber")) == 1


def test_migrations_run_on_default_only():
    router = ReplicaRouter()
    assert router.allow_migrate("default", "members") is True
    assert router.allow_migrate(REPLICA_ALIAS, "members") is False


def test_the_environment_makes_the_alias():
    """REPLICA_DATABASE_URL in the environment gives the "replica" alias and the router; without
    it there is no alias (the production settings module, as a deployment loads it)."""
    code = ("import json, django; django.setup(); from django.conf import settings; "
            "print(json.dumps({'aliases': sorted(settings.DATABASES), 'routers': settings.DATABASE_ROUTERS, "
            "'replica': settings.DATABASES.get('replica', {}).get('HOST')}))")
    base = {k: v for k, v in os.environ.items() if k not in ("REPLICA_DATABASE_URL", "DATABASE_URL")}
    base.update(DJANGO_SETTINGS_MODULE="chamber.settings.production", SECRET_KEY="x" * 50,
                ID_NUMBER_KEYS="dGVzdHMtb25seS1pZC1udW1iZXIta2V5LTAwMDAwMDE=", ID_NUMBER_DIGEST_KEY="tests-only")

    def run(extra):
        out = subprocess.run([sys.executable, "-c", code], env={**base, **extra}, cwd=django_settings.BASE_DIR,
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout.strip().splitlines()[-1])

    without = run({})
    assert without["aliases"] == ["default"]
    assert without["routers"] == ["chamber.db_router.ReplicaRouter"]
    with_replica = run({"DATABASE_URL": "postgres://app@primary.db:5432/chamber",
                        "REPLICA_DATABASE_URL": "postgres://app@replica.db:5432/chamber"})
    assert with_replica["aliases"] == ["default", "replica"]
    assert with_replica["replica"] == "replica.db"


# --- The report reads that opt in (wired by the lead in chamber/annual, interchange, selectors) ---

def test_annual_report_figures_read_from_the_replica(chamber, member):
    from chamber.annual.generation import report_figures

    with Captured() as captured, scope(chamber=chamber):
        figures, digest = report_figures(chamber=chamber, year=timezone.localdate().year)
    assert digest and figures
    assert _reads(captured.on_replica, "members_membership")
    assert not _reads(captured.on_default, "members_membership")


def test_federation_aggregate_reads_from_the_replica(federation, affiliate):
    from chamber.selectors import federation_affiliate_figures

    with Captured() as captured, scope(chamber=federation):
        rows = federation_affiliate_figures(federation=federation)
    assert len(rows) == 1
    assert _reads(captured.on_replica, "members_membership")
    assert not _reads(captured.on_default, "members_membership")


def test_an_export_reads_its_rows_from_the_replica_and_logs_on_default(chamber, member, admin_user, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    client = Client()
    client.force_login(admin_user)
    # An xlsx is written whole (ExportJob.write, the path of large and background exports);
    # a streamed CSV is short and reads the primary.
    with Captured() as captured:
        response = client.get("/c/{}/exports/members/?format=xlsx".format(chamber.slug))
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
    import io

    import openpyxl

    cells = [c for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True) for c in row]
    assert member.enterprise.name in cells
    # The rows: from the replica. The export's log entry: written to default.
    assert _reads(captured.on_replica, "members_membership")
    assert [s for s in captured.on_default if s.lstrip().upper().startswith("INSERT") and "exportrecord" in s]
    assert not [s for s in captured.on_replica if not s.lstrip().upper().startswith("SELECT")]
