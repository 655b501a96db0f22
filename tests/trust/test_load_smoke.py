"""The load test in small (issue 10): `manage.py bench_load`'s harness for five seconds with
five users against gunicorn and the test database — no failed request, no lost write.
The full run (50 users × 60 s, figures in docs/benchmarks.md) is `manage.py bench_load`."""
import importlib.util

import pytest
from django.conf import settings

from chamber.management.commands.bench_load import database_url, load_run, lost_writes



def test_lost_writes_names_each_kind_that_differs():
    before = {"registration": 0, "contact": 0, "person": 0, "payment": 5}
    answered = {"registration": 2, "contact": 1, "person": 1, "payment": 3}
    assert lost_writes(before, {"registration": 2, "contact": 1, "person": 2, "payment": 8}, answered) == {}
    # One payment missing; a contact's person counted as well as the people added.
    assert lost_writes(before, {"registration": 2, "contact": 1, "person": 1, "payment": 7}, answered) == {
        "person": 1, "payment": 1}


@pytest.mark.postgres
@pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
                    reason="needs PostgreSQL: gunicorn must see the test database")
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(importlib.util.find_spec("locust") is None, reason="needs locust (pip install -e '.[test]')")
def test_a_short_load_run_has_no_error_and_loses_no_write():
    result = load_run(users=5, spawn_rate=5, seconds=5, workers=2,
                      gunicorn_env={"DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "chamber.settings.test"},
                      log=lambda *a: None)
    assert result["requests"] >= 20, result["output"]
    assert result["errors"] == 0, result["failures"]
    assert sum(result["answered"].values()) > 0, result["writes"]
    assert result["lost"] == {}, (result["answered"], result["before"], result["after"])
