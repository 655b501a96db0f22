"""The one benchmark table (issue 11): bench commands record figures, bench_table prints the
latest of each; bench_scale's pieces that run without the 1M data set."""
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_scopes import scope

from chamber import benchtable
from chamber.management.commands import bench_scale


@pytest.fixture
def results(tmp_path, settings):
    """Results go to a file of the test's own, through the setting."""
    settings.BENCH_RESULTS = str(tmp_path / "deep" / "bench" / "results.jsonl")
    return tmp_path / "deep" / "bench" / "results.jsonl"


def lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_record_appends_one_json_line_and_makes_the_directory(results, db):
    assert not results.parent.exists()
    benchtable.record("roster API: list", 21.456, 25.7, {8}, "p50 ≤ 25 ms", True, "bench-000", command="bench_roster")
    benchtable.record("search 光电", 90, 120.0, [10, 11, 10], "p95 ≤ 100 ms", False)
    first, second = lines(results)
    assert first["figure"] == "roster API: list"
    assert (first["p50_ms"], first["p95_ms"], first["queries"]) == (21.46, 25.7, 8)
    assert (first["target"], first["met"], first["note"], first["command"]) == ("p50 ≤ 25 ms", True, "bench-000",
                                                                               "bench_roster")
    assert {"at", "machine", "load", "database"} <= set(first)
    assert "cores" in first["machine"]
    assert second["queries"] == "10–11" and second["met"] is False


def test_record_without_a_target_has_no_verdict(tmp_path, db):
    path = tmp_path / "r.jsonl"
    entry = benchtable.record("annual report, figures alone", 812.3, path=path)
    assert entry["met"] is None and entry["p95_ms"] is None and entry["queries"] is None
    assert benchtable.verdict(lines(path)[0]) == "—"


def test_default_results_file_is_under_var(settings, tmp_path):
    settings.BENCH_RESULTS = None
    settings.VAR_DIR = tmp_path
    assert benchtable.results_path() == tmp_path / "bench" / "results.jsonl"


def test_latest_keeps_the_last_record_of_each_figure_in_first_seen_order(results, db):
    benchtable.record("a", 10, met=True)
    benchtable.record("b", 20, met=True)
    benchtable.record("a", 30, met=False)
    with open(results, "a", encoding="utf-8") as handle:
        handle.write("not json\n\n{\"no\": \"figure\"}\n")
    latest = benchtable.latest(benchtable.read())
    assert [(e["figure"], e["p50_ms"], benchtable.verdict(e)) for e in latest] == [("a", 30, "MISSED"), ("b", 20, "MET")]


def test_text_table_is_aligned_with_wide_characters_and_says_the_machine(results, db):
    benchtable.record("搜索：光电", 12.34, 45.6, 10, "p95 ≤ 50 ms", True)
    benchtable.record("export of 100,000 members", 12_345.6, None, None, "≤ 30 s", False)
    text = benchtable.text_table(benchtable.latest(benchtable.read()))
    header, rule, first, second, blank, machine = text.splitlines()
    assert header.split()[:3] == ["figure", "p50", "ms"]
    # Numbers end at the same terminal column on every row (CJK characters count double).
    column = benchtable.width(header[:header.index("p50 ms") + len("p50 ms")])
    assert benchtable.width(first[:first.index("12.3") + len("12.3")]) == column
    assert benchtable.width(second[:second.index("12,346") + len("12,346")]) == column
    assert benchtable.width(first[:first.index("p95 ≤ 50 ms")]) == header.index("target")
    assert "MET" in first and "MISSED" in second and "—" in second
    assert blank == "" and machine.startswith("Machine: ") and "(2 figures)" in machine


def test_markdown_table(results, db):
    benchtable.record("a | b", 1.0, 2.0, 8, "p50 ≤ 25 ms", True, note="x")
    md = benchtable.markdown_table(benchtable.latest(benchtable.read())).splitlines()
    assert md[0] == "| figure | p50 ms | p95 ms | queries/request | target | verdict | note |"
    assert md[1].startswith("| --- | ---: | ---: | ---: |")
    assert md[2] == "| a \\| b | 1.0 | 2.0 | 8 | p50 ≤ 25 ms | **MET** | x |"
    assert md[4].startswith("- Machine: ")


def test_bench_table_command(results, db):
    out = io.StringIO()
    call_command("bench_table", stdout=out)
    assert "No benchmark figures recorded yet" in out.getvalue()

    benchtable.record("roster API: list", 20, 25, 8, "p50 ≤ 25 ms", True, command="bench_roster")
    benchtable.record("scale: dashboard", 200, 230, 15, "p50 ≤ 150 ms", False, command="bench_scale")
    benchtable.record("roster API: list", 30, 35, 8, "p50 ≤ 25 ms", False, command="bench_roster")
    out = io.StringIO()
    call_command("bench_table", stdout=out)
    text = out.getvalue()
    assert "latest result of each of 2 figures" in text
    roster = [line for line in text.splitlines() if line.startswith("roster API: list")]
    assert len(roster) == 1 and "30.0" in roster[0] and "MISSED" in roster[0]
    assert "2 figure(s) miss their target" in text

    out = io.StringIO()
    call_command("bench_table", "--markdown", "--command", "bench_scale", f"--file={results}", stdout=out)
    table = [line for line in out.getvalue().splitlines() if line.startswith("|")]
    assert len(table) == 3 and "scale: dashboard" in table[2] and "**MISSED**" in table[2]


def test_bench_scale_runs_on_postgresql_only(db, monkeypatch):
    from django.db import connections

    # Whatever database the suite runs on, the command must refuse one that is not PostgreSQL.
    monkeypatch.setattr(connections["default"], "vendor", "sqlite")
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("bench_scale", stdout=io.StringIO())


def test_bench_scale_needs_the_seed_scale_data_set(chamber, make_user):
    with pytest.raises(CommandError, match="seed_scale"):
        bench_scale.dataset()


def test_bench_scale_search_terms_come_from_the_chambers_data(chamber, member):
    terms = dict(bench_scale.search_terms(chamber))
    with scope(chamber=chamber):
        enterprise = member.enterprise
    assert terms["name substring"] in enterprise.name and len(terms["name substring"]) == 3
    assert terms["USCC substring"] in enterprise.uscc
    assert enterprise.name_initials.startswith(terms["pinyin initials"])


def test_bench_scale_bare_sql_is_the_pages_own_statements(chamber, member, admin_user, settings):
    """The bare side of the ratio: the statements reading members, captured from the API
    (not the chamber, token or roles), run again with a plain cursor and encoded as JSON."""
    from rest_framework.authtoken.models import Token

    settings.ALLOWED_HOSTS = ["localhost"]
    token = Token.objects.create(user=admin_user)
    client = Client(headers={"Authorization": f"Token {token.key}"}, HTTP_HOST="localhost")
    command = bench_scale.Command()
    statements = command.page_sql(client, f"/api/v1/chambers/{chamber.slug}/members/?page_size=100&page=1")
    assert statements and all(bench_scale.PAGE_DATA_SQL.search(sql) for sql in statements)
    assert not any("authtoken" in sql or '"chamber_role"' in sql.split("FROM")[1][:20] for sql in statements)
    document = command.bare(statements).decode()
    with scope(chamber=chamber):
        assert member.enterprise.name in document
