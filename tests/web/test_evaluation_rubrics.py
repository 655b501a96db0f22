"""Rubric pages: who may open them, the scheme list and starters, the version editor
(tree, check, frozen read-only), indicator and grade forms, copy, export and import."""
import io
import json

import pytest
from django.urls import reverse
from django.utils import translation
from django_scopes import scope
from openpyxl import load_workbook

from evaluations.interchange import version_document
from evaluations.models import GradeRule, Indicator, Scheme, SchemeVersion
from evaluations.rubrics import indicator_create, scheme_create, version_create


def url(chamber, name, **kwargs):
    return reverse(f"evaluations:{name}", kwargs={"chamber": chamber.slug, **kwargs})


@pytest.fixture(autouse=True)
def english(settings):
    # Pages follow the user's language; assert on the English source strings.
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def draft(federation, star_version, fed_admin):
    """An editable copy-like version of the star scheme, with one aspect and one item."""
    with scope(chamber=federation):
        version = version_create(scheme=star_version.scheme, actor=fed_admin, label="2027", max_points=10)
        aspect = indicator_create(version=version, actor=fed_admin, title="会务", max_points=10, code="1")
        indicator_create(version=version, actor=fed_admin, title="会员大会", max_points=10, parent=aspect, code="1.1")
    return version


@pytest.fixture
def foreign_version(affiliate):
    with scope(chamber=affiliate):
        scheme = scheme_create(chamber=affiliate, actor=None, kind="other", name="江宁考评")
        version = version_create(scheme=scheme, actor=None, label="1", max_points=10)
        indicator = indicator_create(version=version, actor=None, title="外项", max_points=10)
    return {"scheme": scheme, "version": version, "indicator": indicator}


def page_urls(chamber, version, indicator, rule):
    return [
        url(chamber, "schemes"), url(chamber, "scheme_create"), url(chamber, "version_import"),
        url(chamber, "scheme_detail", pk=version.scheme_id), url(chamber, "scheme_edit", pk=version.scheme_id),
        url(chamber, "version_create", pk=version.scheme_id), url(chamber, "version_detail", pk=version.pk),
        url(chamber, "version_edit", pk=version.pk), url(chamber, "version_copy", pk=version.pk),
        url(chamber, "version_delete", pk=version.pk),
        url(chamber, "version_export", pk=version.pk, fmt="json"),
        url(chamber, "indicator_create", pk=version.pk), url(chamber, "indicator_edit", pk=indicator.pk),
        url(chamber, "indicator_delete", pk=indicator.pk), url(chamber, "grade_rule_create", pk=version.pk),
        url(chamber, "grade_rule_edit", pk=rule.pk),
    ]


def post_urls(chamber, version, indicator, rule):
    return [url(chamber, "starters_install"), url(chamber, "indicator_move", pk=indicator.pk),
            url(chamber, "grade_rule_delete", pk=rule.pk)]


@pytest.fixture
def targets(federation, draft):
    with scope(chamber=federation):
        indicator = Indicator.objects.get(version=draft, code="1.1")
        rule = GradeRule.objects.create(chamber=federation, version=draft, code="ok", label="合格", level=1,
                                        min_total=6)
    return draft, indicator, rule


# --- Who may open what -----------------------------------------------------------------------------


def test_outsider_gets_404_everywhere(client_as, federation, outsider, targets):
    client = client_as(outsider)
    for address in page_urls(federation, *targets) + post_urls(federation, *targets):
        assert client.get(address).status_code == 404, address
        assert client.post(address).status_code == 404, address


def test_read_only_staff_and_reviewers_get_403(client_as, federation, fed_readonly, fed_reviewers, targets):
    """Rubrics need evaluations.manage even to read: read-only staff lack it."""
    for user in (fed_readonly, fed_reviewers[0]):
        client = client_as(user)
        for address in page_urls(federation, *targets):
            assert client.get(address).status_code == 403, address
            assert client.post(address, {"title": "x"}).status_code == 403, address
        for address in post_urls(federation, *targets):
            assert client.post(address, {"direction": "up"}).status_code == 403, address
    with scope(chamber=federation):
        assert SchemeVersion.objects.count() == 2 and GradeRule.objects.filter(code="ok").exists()


def test_managers_open_every_page(client_as, federation, fed_admin, fed_secretary, targets):
    for user in (fed_admin, fed_secretary):
        client = client_as(user)
        for address in page_urls(federation, *targets):
            assert client.get(address).status_code == 200, address


def test_anonymous_is_sent_to_log_in(client, federation, targets):
    response = client.get(url(federation, "version_detail", pk=targets[0].pk))
    assert response.status_code == 302 and "login" in response["Location"]


def test_another_chambers_objects_are_404(client_as, federation, fed_admin, foreign_version):
    client = client_as(fed_admin)
    version, indicator = foreign_version["version"], foreign_version["indicator"]
    for address in [url(federation, "scheme_detail", pk=foreign_version["scheme"].pk),
                    url(federation, "version_detail", pk=version.pk),
                    url(federation, "version_export", pk=version.pk, fmt="xlsx"),
                    url(federation, "indicator_edit", pk=indicator.pk)]:
        assert client.get(address).status_code == 404, address
    assert client.post(url(federation, "indicator_move", pk=indicator.pk), {"direction": "up"}).status_code == 404
    assert client.post(url(federation, "indicator_delete", pk=indicator.pk)).status_code == 404
    with scope(chamber=foreign_version["version"].chamber):
        assert Indicator.objects.filter(pk=indicator.pk).exists()


def test_menu_shows_rubrics_to_managers_only(client_as, federation, fed_admin, fed_readonly):
    schemes = url(federation, "schemes")
    home = "/c/{}/evaluations/schemes/".format(federation.slug)
    assert schemes == home
    assert schemes in client_as(fed_admin).get(schemes).content.decode()
    page = client_as(fed_readonly).get(reverse("evaluations:ratings", kwargs={"chamber": federation.slug}))
    assert schemes not in page.content.decode()


# --- Schemes and starters --------------------------------------------------------------------------


def test_empty_list_offers_the_starters_and_installs_them(client_as, federation, fed_admin):
    client = client_as(fed_admin)
    page = client.get(url(federation, "schemes")).content.decode()
    assert 'data-empty="schemes"' in page and 'data-action="install-starters"' in page
    response = client.post(url(federation, "starters_install"), follow=True)
    assert response.redirect_chain[-1][0] == url(federation, "schemes")
    with scope(chamber=federation):
        assert SchemeVersion.objects.count() == 5
    page = response.content.decode()
    assert "南京市星级基层商会考评" in page and "四好商会" in page
    response = client.post(url(federation, "starters_install"), follow=True)
    assert "Every starter scheme is installed already." in response.content.decode()
    with scope(chamber=federation):
        assert SchemeVersion.objects.count() == 5


def test_scheme_list_queries_do_not_grow(client_as, federation, fed_admin, django_assert_num_queries):
    client = client_as(fed_admin)
    client.post(url(federation, "starters_install"))
    # session, chamber, user, roles (middleware); the schemes with their version counts;
    # the header's chamber switcher (the user's chamber ids, those chambers).
    with django_assert_num_queries(8) as captured:
        assert client.get(url(federation, "schemes")).status_code == 200
    with scope(chamber=federation):
        for n in range(10):
            scheme_create(chamber=federation, actor=None, kind="other", name="方案{}".format(n))
    with django_assert_num_queries(len(captured.captured_queries)):
        assert client.get(url(federation, "schemes")).status_code == 200


def test_create_scheme_then_its_first_version(client_as, federation, fed_admin):
    client = client_as(fed_admin)
    response = client.post(url(federation, "scheme_create"), {"kind": "four_good", "name": "市四好商会", "description": ""})
    with scope(chamber=federation):
        scheme = Scheme.objects.get(name="市四好商会")
    assert response["Location"] == url(federation, "version_create", pk=scheme.pk)
    response = client.post(url(federation, "scheme_create"), {"kind": "four_good", "name": "市四好商会"})
    assert response.status_code == 200 and "name" in response.context["form"].errors
    response = client.post(url(federation, "version_create", pk=scheme.pk), {
        "label": "2026", "max_points": "100", "bonus_cap": "0", "validity_months": "36"})
    with scope(chamber=federation):
        version = SchemeVersion.objects.get(scheme=scheme)
    assert response["Location"] == url(federation, "version_detail", pk=version.pk)
    response = client.post(url(federation, "version_create", pk=scheme.pk), {
        "label": "2026", "max_points": "100", "bonus_cap": "0", "validity_months": "36"})
    assert "label" in response.context["form"].errors


def test_scheme_detail_lists_versions_frozen_and_campaigns(client_as, federation, fed_admin, campaign, draft):
    page = client_as(fed_admin).get(url(federation, "scheme_detail", pk=campaign.version.scheme_id)).content.decode()
    assert page.count('data-version-id="') == 2
    assert page.count('data-badge="frozen"') == 1
    assert campaign.name in page


# --- The version editor ----------------------------------------------------------------------------


def test_editor_shows_tree_badges_and_check(client_as, federation, fed_admin, star_version):
    page = client_as(fed_admin).get(url(federation, "version_detail", pk=star_version.pk)).content.decode()
    assert page.count('data-indicator-id="') == 10
    assert 'data-badge="veto"' in page and 'data-badge="bonus"' in page
    assert 'data-check="ok"' in page
    assert "20 / 15 / 0" in page and "会议纪要" in page
    assert 'data-action="edit"' in page and 'data-action="add-grade"' in page
    assert "Level 3 is not awarded under this version" in page


def test_editor_lists_problems_at_the_top(client_as, federation, fed_admin, draft):
    with scope(chamber=federation):
        Indicator.objects.filter(version=draft, code="1.1").update(max_points=7)
    page = client_as(fed_admin).get(url(federation, "version_detail", pk=draft.pk)).content.decode()
    assert 'data-check="problems"' in page
    assert "1 会务: 10 points, but its items add up to 7." in page
    assert "No grade rules: no total earns a grade." in page


def test_frozen_version_is_read_only(client_as, federation, fed_admin, campaign):
    version = campaign.version
    client = client_as(fed_admin)
    page = client.get(url(federation, "version_detail", pk=version.pk)).content.decode()
    assert "data-frozen-note" in page and campaign.name in page
    assert 'data-action="copy"' in page
    for action in ('data-action="edit"', 'data-action="add-aspect"', 'data-action="add-grade"',
                   'data-action="edit-version"', 'data-action="delete-version"', 'data-action="up"'):
        assert action not in page
    # The edit pages send the user back, with the reason.
    response = client.get(url(federation, "indicator_create", pk=version.pk), follow=True)
    assert response.redirect_chain[-1][0] == url(federation, "version_detail", pk=version.pk)
    assert "Copy it to a new version instead." in response.content.decode()
    # A write that gets there anyway is refused by the service, and nothing changes.
    with scope(chamber=federation):
        before = list(Indicator.objects.filter(version=version).values_list("pk", "title", "sort_key"))
        leaf = Indicator.objects.get(version=version, code="1.2")
        rule = GradeRule.objects.filter(version=version).first()
    response = client.post(url(federation, "indicator_create", pk=version.pk), {"title": "新", "max_points": "1",
                                                                                "mode": "points"})
    assert response.status_code == 200 and "Copy it to a new version" in str(response.context["form"].errors)
    response = client.post(url(federation, "indicator_edit", pk=leaf.pk), {"title": "改", "max_points": "20",
                                                                           "mode": "points"})
    assert response.status_code == 200
    client.post(url(federation, "indicator_move", pk=leaf.pk), {"direction": "up"})
    client.post(url(federation, "indicator_delete", pk=leaf.pk))
    client.post(url(federation, "grade_rule_delete", pk=rule.pk))
    client.post(url(federation, "version_delete", pk=version.pk))
    with scope(chamber=federation):
        assert list(Indicator.objects.filter(version=version).values_list("pk", "title", "sort_key")) == before
        assert GradeRule.objects.filter(pk=rule.pk).exists() and SchemeVersion.objects.filter(pk=version.pk).exists()


def test_copy_a_frozen_version_and_edit_the_copy(client_as, federation, fed_admin, campaign):
    client = client_as(fed_admin)
    response = client.post(url(federation, "version_copy", pk=campaign.version.pk), {"label": "2027"})
    with scope(chamber=federation):
        copy = SchemeVersion.objects.get(label="2027")
        assert Indicator.objects.filter(version=copy).count() == 10
    assert response["Location"] == url(federation, "version_detail", pk=copy.pk)
    page = client.get(response["Location"]).content.decode()
    assert "data-frozen-note" not in page and 'data-action="edit"' in page


# --- Indicator and grade forms ---------------------------------------------------------------------


def test_add_edit_move_and_delete_indicators(client_as, federation, fed_admin, draft):
    client = client_as(fed_admin)
    with scope(chamber=federation):
        aspect = Indicator.objects.get(version=draft, code="1")
    detail = url(federation, "version_detail", pk=draft.pk)
    page = client.get(url(federation, "indicator_create", pk=draft.pk) + "?parent={}".format(aspect.pk))
    assert page.context["form"].initial["parent"] == str(aspect.pk)
    response = client.post(url(federation, "indicator_create", pk=draft.pk), {
        "parent": aspect.pk, "code": "1.2", "title": "理事会", "max_points": "5", "mode": "graded",
        "options": "5/3/0", "evidence_required": "纪要"})
    with scope(chamber=federation):
        new = Indicator.objects.get(version=draft, title="理事会")
    assert response["Location"] == detail + "#indicator-{}".format(new.pk)
    assert (new.sort_key, new.options) == ("001.002", ["5", "3", "0"])
    # A bad graded option comes back on the form, nothing saved.
    response = client.post(url(federation, "indicator_create", pk=draft.pk), {
        "parent": aspect.pk, "title": "坏", "max_points": "5", "mode": "graded", "options": "6/0"})
    assert response.status_code == 200 and "options" in response.context["form"].errors
    client.post(url(federation, "indicator_move", pk=new.pk), {"direction": "up"})
    with scope(chamber=federation):
        assert list(Indicator.objects.filter(version=draft).order_by("sort_key").values_list("title", flat=True)) == [
            "会务", "理事会", "会员大会"]
    # Edit and move to the top level in one go.
    response = client.post(url(federation, "indicator_edit", pk=new.pk), {
        "parent": "", "code": "2", "title": "理事会议", "max_points": "5", "mode": "points"})
    assert response.status_code == 302
    with scope(chamber=federation):
        new.refresh_from_db()
        assert (new.title, new.parent_id, new.sort_key, new.options) == ("理事会议", None, "002", [])
    response = client.post(url(federation, "indicator_delete", pk=aspect.pk))
    assert response["Location"] == detail
    with scope(chamber=federation):
        assert list(Indicator.objects.filter(version=draft).values_list("title", "sort_key")) == [("理事会议", "001")]


def test_edit_cannot_move_under_itself_or_use_a_foreign_parent(client_as, federation, fed_admin, draft, star_version):
    client = client_as(fed_admin)
    with scope(chamber=federation):
        aspect = Indicator.objects.get(version=draft, code="1")
        child = Indicator.objects.get(version=draft, code="1.1")
        foreign = Indicator.objects.filter(version=star_version).first()
    form = client.get(url(federation, "indicator_edit", pk=aspect.pk)).context["form"]
    assert set(form.fields["parent"].queryset) == set()  # its only other node is below it
    for parent in (child.pk, foreign.pk):
        response = client.post(url(federation, "indicator_edit", pk=aspect.pk), {
            "parent": parent, "title": "会务（改）", "max_points": "10", "mode": "points"})
        assert response.status_code == 200 and "parent" in response.context["form"].errors
    with scope(chamber=federation):
        aspect.refresh_from_db()
        assert (aspect.title, aspect.parent_id) == ("会务", None)


def test_grade_rules_forms(client_as, federation, fed_admin, draft):
    client = client_as(fed_admin)
    response = client.post(url(federation, "grade_rule_create", pk=draft.pk), {
        "code": "good", "label": "合格", "level": "1", "min_total": "6", "requires_held_days": "0"})
    assert response["Location"].endswith("#grades")
    response = client.post(url(federation, "grade_rule_create", pk=draft.pk), {
        "code": "good", "label": "优秀", "level": "1", "min_total": "9", "requires_held_days": "0"})
    assert set(response.context["form"].errors) == {"code", "level"}
    with scope(chamber=federation):
        rule = GradeRule.objects.get(version=draft)
    client.post(url(federation, "grade_rule_edit", pk=rule.pk), {
        "code": "good", "label": "良好", "level": "1", "min_total": "7", "requires_held_days": "0"})
    with scope(chamber=federation):
        rule.refresh_from_db()
        assert (rule.label, rule.min_total) == ("良好", 7)
    client.post(url(federation, "grade_rule_delete", pk=rule.pk))
    with scope(chamber=federation):
        assert not GradeRule.objects.filter(version=draft).exists()


def test_version_edit_and_delete(client_as, federation, fed_admin, draft):
    client = client_as(fed_admin)
    client.post(url(federation, "version_edit", pk=draft.pk), {
        "label": "2027修订", "max_points": "10", "bonus_cap": "2", "validity_months": "24",
        "effective_from": "2027-01-01"})
    with scope(chamber=federation):
        draft.refresh_from_db()
    assert (draft.label, draft.validity_months, str(draft.effective_from)) == ("2027修订", 24, "2027-01-01")
    response = client.post(url(federation, "version_delete", pk=draft.pk))
    assert response["Location"] == url(federation, "scheme_detail", pk=draft.scheme_id)
    with scope(chamber=federation):
        assert not SchemeVersion.objects.filter(pk=draft.pk).exists()


# --- Export and import -----------------------------------------------------------------------------


def test_export_json_and_xlsx(client_as, federation, fed_admin, star_version):
    client = client_as(fed_admin)
    response = client.get(url(federation, "version_export", pk=star_version.pk, fmt="json"))
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment")
    with scope(chamber=federation):
        assert json.loads(response.content) == version_document(star_version)
    response = client.get(url(federation, "version_export", pk=star_version.pk, fmt="xlsx"))
    assert response["Content-Disposition"].startswith("attachment")
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["方案", "指标", "等级规则"]
    assert client.get(url(federation, "version_export", pk=star_version.pk, fmt="html")).status_code == 404


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_import_json_and_xlsx(client_as, federation, fed_admin, star_version):
    client = client_as(fed_admin)
    exported = client.get(url(federation, "version_export", pk=star_version.pk, fmt="xlsx")).content
    response = client.post(url(federation, "version_import"), {"file": _upload("star.xlsx", exported),
                                                                 "label": "2026-导入"})
    with scope(chamber=federation):
        imported = SchemeVersion.objects.get(label="2026-导入")
    assert response["Location"] == url(federation, "version_detail", pk=imported.pk)
    assert imported.scheme_id == star_version.scheme_id
    # The same file again, label unchanged: the label field says why.
    response = client.post(url(federation, "version_import"), {"file": _upload("star.xlsx", exported)})
    assert response.status_code == 200 and "label" in response.context["form"].errors


def test_import_lists_every_problem_and_saves_nothing(client_as, federation, fed_admin, star_version):
    client = client_as(fed_admin)
    with scope(chamber=federation):
        document = version_document(star_version)
    document["scheme"]["name"] = "新方案"
    document["indicators"][0]["children"][0]["max_points"] = "很多"
    document["indicators"][1]["title"] = ""
    response = client.post(url(federation, "version_import"), {
        "file": _upload("x.json", json.dumps(document, ensure_ascii=False).encode())})
    assert response.status_code == 200
    page = response.content.decode()
    assert "data-import-errors" in page
    assert "Indicator 1.1 “会员大会按期召开”: maximum points: Enter a number." in page
    assert "Indicator 2: title: This field is required." in page
    with scope(chamber=federation):
        assert not Scheme.objects.filter(name="新方案").exists()
    response = client.post(url(federation, "version_import"), {"file": _upload("x.pdf", b"%PDF-1.4")})
    assert response.context["form"].errors["file"] == ["Upload a rubric exported as .json or .xlsx."]
