"""Rubrics as JSON and Excel: export, import (validated in full before anything is saved,
errors with their place), and round trips that change nothing."""
import copy
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django_scopes import scope
from openpyxl import Workbook, load_workbook

from evaluations.interchange import document_from_upload, version_document, version_import, version_json
from evaluations.interchange_xlsx import document_from_xlsx, version_xlsx
from evaluations.models import GradeRule, Indicator, Scheme, SchemeVersion


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def star_document(federation, star_version):
    with scope(chamber=federation):
        return version_document(star_version)


def without_label(document):
    document = copy.deepcopy(document)
    document["version"].pop("label")
    return document


def counts(chamber):
    with scope(chamber=chamber):
        return (Scheme.objects.count(), SchemeVersion.objects.count(), Indicator.objects.count(),
                GradeRule.objects.count())


def import_errors(chamber, document, **kwargs):
    with scope(chamber=chamber), pytest.raises(ValidationError) as error:
        version_import(chamber=chamber, actor=None, document=document, **kwargs)
    return error.value.messages


# --- Export ----------------------------------------------------------------------------------------


def test_json_document_shape(star_document):
    assert (star_document["format"], star_document["format_version"]) == ("chamber-rubric", 1)
    assert star_document["scheme"] == {"kind": "star_rating", "name": "星级基层商会考评", "description": ""}
    assert star_document["version"] == {"label": "2026", "effective_from": None, "description": "",
                                        "max_points": "100", "bonus_cap": "5", "validity_months": 36}
    affairs = star_document["indicators"][0]
    assert (affairs["title"], affairs["max_points"], len(affairs["children"])) == ("会务", "40", 2)
    assert affairs["children"][0] == {
        "code": "1.1", "title": "会员大会按期召开", "max_points": "20", "mode": "graded", "options": ["20", "15", "0"],
        "is_veto": False, "is_bonus": False, "guidance": "", "evidence_required": "会议纪要", "children": []}
    assert [i["title"] for i in star_document["indicators"]] == ["会务", "硬件", "发展", "无违法违纪行为", "创新工作加分"]
    assert star_document["grade_rules"] == [
        {"code": "five_star", "label": "五星级", "level": 5, "min_total": "90", "requires_level": 4,
         "requires_held_days": 365},
        {"code": "four_star", "label": "四星级", "level": 4, "min_total": "80", "requires_level": 3,
         "requires_held_days": 365}]


def test_json_text_is_readable_chinese(federation, star_version):
    with scope(chamber=federation):
        text = version_json(star_version)
    assert "会员大会按期召开" in text and json.loads(text)["format"] == "chamber-rubric"


def test_xlsx_has_chinese_headers_and_one_row_per_indicator(federation, star_version):
    with scope(chamber=federation):
        workbook = load_workbook(io.BytesIO(version_xlsx(star_version)))
        count = Indicator.objects.filter(version=star_version).count()
    assert workbook.sheetnames == ["方案", "指标", "等级规则"]
    rows = list(workbook["指标"].iter_rows(values_only=True))
    assert rows[0] == ("层级", "编号", "指标", "分值", "计分方式", "分档分值", "一票否决", "加分项", "评分说明", "所需凭证")
    assert len(rows) == count + 1
    assert rows[1][:4] == (1, "1", "会务", 40) and rows[2][:7] == (2, "1.1", "会员大会按期召开", 20, "分档", "20 / 15 / 0", "否")
    assert list(workbook["等级规则"].iter_rows(values_only=True))[1] == ("five_star", "五星级", 5, 90, 4, 365)


# --- Round trips -----------------------------------------------------------------------------------


def test_json_round_trip(federation, star_document):
    with scope(chamber=federation):
        imported = version_import(chamber=federation, actor=None, document=star_document, label="2026-copy")
        assert imported.scheme.name == "星级基层商会考评"
        assert Scheme.objects.count() == 1  # a new version of the scheme with that name
        again = version_document(imported)
    assert again["version"]["label"] == "2026-copy"
    assert without_label(again) == without_label(star_document)


def test_json_round_trip_into_another_chamber_is_exact(federation, affiliate, star_document):
    with scope(chamber=affiliate):
        imported = version_import(chamber=affiliate, actor=None, document=star_document)
        assert version_document(imported) == star_document
        assert not imported.is_frozen


def test_xlsx_round_trip(federation, affiliate, star_version, star_document):
    with scope(chamber=federation):
        data = version_xlsx(star_version)
    with scope(chamber=affiliate):
        imported = version_import(chamber=affiliate, actor=None, document=document_from_upload("star.xlsx", data))
        assert version_document(imported) == star_document


def test_starters_survive_the_xlsx_round_trip(affiliate, other_chamber):
    from evaluations.starters import starter_documents

    with scope(chamber=affiliate):
        for document in starter_documents():
            version = version_import(chamber=affiliate, actor=None, document=document)
            data = version_xlsx(version)
            again = version_import(chamber=affiliate, actor=None, document=document_from_xlsx(data),
                                    label="x" + document["version"]["label"])
            assert without_label(version_document(again)) == without_label(document)


# --- Import: what is refused, and that nothing is saved ---------------------------------------------


def test_a_label_that_exists_is_refused(federation, star_document):
    before = counts(federation)
    with scope(chamber=federation), pytest.raises(ValidationError) as error:
        version_import(chamber=federation, actor=None, document=star_document)
    assert set(error.value.message_dict) == {"label"}
    assert counts(federation) == before


def test_every_problem_is_reported_with_its_place_and_nothing_is_saved(affiliate, star_document):
    document = copy.deepcopy(star_document)
    document["scheme"]["name"] = "新方案"
    document["version"]["max_points"] = "abc"
    affairs = document["indicators"][0]
    affairs["children"][0]["options"] = ["25", "20"]
    affairs["children"][1]["title"] = ""
    affairs["children"][1]["max_points"] = "-3"
    document["indicators"][1]["children"][0]["mode"] = "stars"
    document["grade_rules"][1]["level"] = 5
    document["grade_rules"].append({"code": "bad code", "label": "x", "level": 1, "min_total": "1"})
    messages = import_errors(affiliate, document)
    assert messages == [
        "Version: maximum points: Enter a number.",
        "Indicator 1.1 “会员大会按期召开”: graded options: A graded score cannot exceed the item's maximum of 20.",
        "Indicator 1.2: title: This field is required.",
        "Indicator 1.2: maximum points: Enter a number of at least 0.",
        "Indicator 2.1 “有独立办公场所”: scoring mode: Unknown scoring mode “stars”: use graded, points or yes_no.",
        "Grade rule 2: level 5 is used twice.",
        "Grade rule 3: code: Use lower-case letters, digits, hyphens and underscores, e.g. five_star.",
    ]
    assert counts(affiliate) == (0, 0, 0, 0)  # not even the new scheme


@pytest.mark.parametrize("document, message", [
    ([], "The document must be a JSON object"),
    ({"format": "something-else"}, "This is not a rubric document"),
    ({"format": "chamber-rubric", "format_version": 2}, "Format version 2 is not supported"),
    ({"format": "chamber-rubric", "format_version": "x"}, "Format version x is not supported"),
    ({"scheme": {"name": "x"}, "version": {"label": "1", "max_points": "1"}, "indicators": {}},
     "“indicators” must be a list."),
    ({"scheme": {"name": "x"}, "version": {"label": "1", "max_points": "1"}, "indicators": ["x"]},
     "Indicator 1: must be an object."),
    ({"scheme": {"name": "x"}, "version": {"label": "1", "max_points": "1"},
      "indicators": [{"title": "a", "children": "b"}]}, "Indicator 1 “a”: “children” must be a list."),
    ({"scheme": {}, "version": {"label": "1", "max_points": "1"}}, "Scheme: name: This field is required."),
])
def test_malformed_documents(affiliate, document, message):
    messages = import_errors(affiliate, document)
    assert any(m.startswith(message) for m in messages), messages
    assert counts(affiliate) == (0, 0, 0, 0)


def test_too_deep_is_refused(affiliate):
    node = {"title": "leaf", "max_points": "1"}
    for level in range(9):
        node = {"title": "L{}".format(level), "max_points": "1", "children": [node]}
    messages = import_errors(affiliate, {"scheme": {"name": "x"}, "version": {"label": "1", "max_points": "1"},
                                         "indicators": [node]})
    assert messages == ["Indicator 1.1.1.1.1.1.1.1.1 “L0”: indicators nest at most 8 levels deep."]


def test_minimal_document_uses_defaults(affiliate):
    with scope(chamber=affiliate):
        version = version_import(chamber=affiliate, actor=None, document={
            "scheme": {"name": "简易方案"}, "version": {"label": "1", "max_points": 10},
            "indicators": [{"title": "一项", "max_points": 10}]})
        document = version_document(version)
    assert document["scheme"]["kind"] == "other"
    assert document["version"]["validity_months"] == 36 and document["version"]["bonus_cap"] == "0"
    assert document["indicators"][0]["mode"] == "points"


# --- Files -----------------------------------------------------------------------------------------


def test_upload_is_recognised_by_content_not_name(affiliate, star_document):
    raw = json.dumps(star_document, ensure_ascii=False).encode("utf-8-sig")
    assert document_from_upload("rubric.xlsx", raw) == star_document
    with pytest.raises(ValidationError) as error:
        document_from_upload("rubric.json", b"%PDF-1.7 ...")
    assert error.value.messages == ["Upload a rubric exported as .json or .xlsx."]
    with pytest.raises(ValidationError) as error:
        document_from_upload("rubric.json", b"{not json")
    assert error.value.messages[0].startswith("The file is not valid JSON")
    with pytest.raises(ValidationError) as error:
        document_from_upload("rubric.xlsx", b"PK\x03\x04 but not a workbook")
    assert error.value.messages == ["The file is not an Excel workbook (.xlsx)."]
    with pytest.raises(ValidationError):
        document_from_upload("big.json", b"{" + b" " * (5 * 1024 * 1024) + b"}")


def _workbook(indicator_rows, grade_rows=(), about=None):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "方案"
    sheet.append(["项目", "内容"])
    for row in about or [("方案名称", "表格方案"), ("版本", "2026"), ("满分", 30), ("方案类型", "four_good")]:
        sheet.append(list(row))
    sheet = workbook.create_sheet("指标")
    sheet.append(["指标", "层级", "分值", "计分方式", "分档分值", "一票否决"])  # any column order
    for row in indicator_rows:
        sheet.append(list(row))
    grades = workbook.create_sheet("等级规则")
    grades.append(["代码", "等级", "级别", "最低总分"])
    for row in grade_rows:
        grades.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx_written_by_hand(affiliate):
    data = _workbook([
        ("政治引领", 1, 20, "", "", ""),
        ("党建", 2, 12, "分档", "12、6、0", "否"),
        ("教育", 2, 8.5, "", "", ""),
        (None, None, None, None, None, None),  # blank rows are skipped
        ("自律", 1, 10, "", "", ""),
        ("无违法", 2, 0, "是否", "", "是"),
        ("规范", 2, 10, "扣分", "", "否"),
    ], [("good", "四好", 1, 25.5)])
    with scope(chamber=affiliate):
        version = version_import(chamber=affiliate, actor=None, document=document_from_upload("x.xlsx", data))
        document = version_document(version)
    assert document["scheme"]["kind"] == "four_good"
    assert [(i["title"], [c["title"] for c in i["children"]]) for i in document["indicators"]] == [
        ("政治引领", ["党建", "教育"]), ("自律", ["无违法", "规范"])]
    party = document["indicators"][0]["children"][0]
    assert (party["mode"], party["options"]) == ("graded", ["12", "6", "0"])
    assert document["indicators"][0]["children"][1]["max_points"] == "8.5"
    assert document["indicators"][1]["children"][0]["is_veto"] is True
    assert document["grade_rules"][0]["min_total"] == "25.5"


def test_xlsx_errors_name_sheet_and_row(affiliate):
    data = _workbook([
        ("政治引领", 1, 20, "", "", ""),
        ("党建", 3, 12, "", "", ""),  # skips a level
        ("教育", "二", 8, "", "", ""),
    ])
    with pytest.raises(ValidationError) as error:
        document_from_upload("x.xlsx", data)
    assert error.value.messages == [
        "Sheet “指标”, row 3: level 3 cannot follow level 1; a row can go at most one level deeper than the row "
        "above it.",
        "Sheet “指标”, row 4: the level must be a whole number (1 for an aspect).",
    ]
    data = _workbook([("政治引领", 1, "二十", "", "", ""), ("党建", 2, 12, "分档", "12/20", "也许")],
                     [("good", "四好", 1, "八十五")])
    assert import_errors(affiliate, document_from_upload("x.xlsx", data)) == [
        "Sheet “指标”, row 2: maximum points: Enter a number.",
        "Sheet “指标”, row 3: veto item (一票否决): Answer yes or no.",
        "Sheet “指标”, row 3: graded options: A graded score cannot exceed the item's maximum of 12.",
        "Sheet “等级规则”, row 2: minimum total: Enter a number.",
    ]
    assert counts(affiliate) == (0, 0, 0, 0)


def test_xlsx_without_the_indicator_sheet(affiliate):
    workbook = Workbook()
    workbook.active.title = "Sheet1"
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(ValidationError) as error:
        document_from_upload("x.xlsx", out.getvalue())
    assert error.value.messages == ["The workbook has no sheet “方案”."]


def test_a_workbook_that_inflates_enormously_is_refused(affiliate):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (51 * 1024 * 1024))
    assert len(out.getvalue()) < 1024 * 1024
    with pytest.raises(ValidationError) as error:
        document_from_upload("bomb.xlsx", out.getvalue())
    assert error.value.messages == ["The workbook is too large to read."]
