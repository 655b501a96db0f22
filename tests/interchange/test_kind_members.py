"""The members import kind (members/imports/members.py): checking rows, applying them one by
one through the services or in bulk, and undo."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django_scopes import scope

from branches.services import branch_create
from chamber.interchange.kinds import RowResult, import_kind_spec
from chamber.models import AuditEntry
from charity.services import donation_record, programme_create
from members.models import (
    ChangeField,
    Contact,
    Enterprise,
    Membership,
    MembershipBranch,
    MembershipChange,
    MembershipStatus,
    Person,
    Rank,
)
from members.services import contact_add, enterprise_create, person_create

from ..factories import make_id_number, make_uscc
from . import kind_fixtures
from .kind_fixtures import (
    apply_rows,
    batch_rows,
    check_row,
    check_rows,
    import_commit_as,
    import_file,
    import_undo_as,
    undo_rows,
)

kind_media = kind_fixtures.kind_media  # uploaded files in a temporary folder (a fixture)
KIND = "members"


def enterprise_row(n=1, **values):
    row = {"name": "苏州新材料{}有限公司".format(n), "uscc": make_uscc(200000 + n), "rank": "会员单位",
           "branches": "显示分会", "member_number": "NEW-{}".format(n), "joined_on": "2021-03-01",
           "legal_representative": "赵六", "industry_code": "3831", "address": "苏州工业园区星湖街1号",
           "contact_name": "李四{}".format(n), "contact_mobile": "1391234{:04d}".format(n), "contact_title": "办公室主任"}
    row.update(values)
    return row


def individual_row(n=1, **values):
    row = {"kind": "个人会员", "name": "周{}".format(n), "id_number": make_id_number(300 + n), "gender": "男",
           "contact_mobile": "1381234{:04d}".format(n), "rank": "会员单位", "member_number": "P-{}".format(n)}
    row.update(values)
    return row


def counts(chamber):
    with scope(chamber=chamber):
        return {model.__name__: model.objects.filter(chamber=chamber).count()
                for model in (Membership, Enterprise, Person, Contact, MembershipBranch, MembershipChange)}


# --- Checking ----------------------------------------------------------------------------------

def test_clean_rows_pass(chamber, branches, member):
    rows = [enterprise_row(1), enterprise_row(2, kind="团体会员", branches="光缆分会、显示分会", status="申请中"),
            individual_row(1)]
    for result in check_rows(KIND, chamber, rows):
        assert result.errors == {} and result.warnings == {}


@pytest.mark.parametrize("values, key", [
    ({"uscc": "91320500MA1XXXXXX1"}, "uscc"),
    ({"uscc": ""}, "uscc"),
    ({"name": ""}, "name"),
    ({"kind": "会员企业家"}, "kind"),
    ({"industry_code": "Z99"}, "industry_code"),
    ({"member_number": "GD-001"}, "member_number"),
    ({"joined_on": "2031-02-30"}, "joined_on"),
    ({"joined_on": "1948-12-31"}, "joined_on"),
    ({"status": "退会"}, "status"),
    ({"contact_mobile": "12345"}, "contact_mobile"),
    ({"branches": "光学分会/镜片组"}, "branches"),
    ({"branches": "显示分会、并不存在的分会"}, "branches"),
    ({"rank": "金牌会员"}, "rank"),
    ({"address": "长" * 301}, "address"),
])
def test_errors_land_in_their_cell(chamber, branches, member, values, key):
    result = check_row(KIND, chamber, enterprise_row(**values))
    assert list(result.errors) == [key], result.errors


def test_future_join_date_and_individual_errors(chamber, branches):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert list(check_row(KIND, chamber, enterprise_row(joined_on=tomorrow)).errors) == ["joined_on"]
    bad_id = make_id_number(1)[:17] + ("0" if make_id_number(1)[17] != "0" else "1")
    result = check_row(KIND, chamber, individual_row(id_number=bad_id, gender="未知"))
    assert set(result.errors) == {"id_number", "gender"}


def test_messages_in_chinese(chamber, branches):
    """The user's language (zh-hans by default) for the check characters' messages."""
    with translation.override("zh-hans"):
        result = check_row(KIND, chamber, enterprise_row(uscc="91320500MA1XXXXXX1"))
    assert result.errors["uscc"] == ["统一社会信用代码的校验位不正确，请核对。"]


def test_unknown_rank_lists_the_known_ones(chamber, branches):
    with translation.override("en"):
        result = check_row(KIND, chamber, enterprise_row(rank="金牌会员"))
    assert "金牌会员" in result.errors["rank"][0] and "会长单位、执行会长单位" in result.errors["rank"][0]


def test_ambiguous_branch_name_is_an_error(chamber, branches, admin_user):
    with scope(chamber=chamber):
        branch_create(chamber=chamber, actor=None, name="光纤预制棒专委会", kind="committee", parent=branches["display"])
    result = check_row(KIND, chamber, enterprise_row(branches="光纤预制棒专委会"))
    assert list(result.errors) == ["branches"]


def test_duplicates_against_the_chamber(chamber, branches, member):
    with scope(chamber=chamber):
        enterprise_create(chamber=chamber, actor=None, name="苏州未入会企业", uscc=make_uscc(200099))
    # Already a current member: an error naming it.
    result = check_row(KIND, chamber, enterprise_row(uscc=member.enterprise.uscc, member_number=""))
    assert list(result.errors) == ["uscc"] and "苏州光电缆有限公司" in result.errors["uscc"][0]
    # On record without a membership: a warning, and the row is valid.
    result = check_row(KIND, chamber, enterprise_row(uscc=make_uscc(200099)))
    assert result.errors == {} and list(result.warnings) == ["uscc"] and "苏州未入会企业" in result.warnings["uscc"][0]


def test_warnings_that_still_import(chamber, branches):
    result = check_row(KIND, chamber, enterprise_row(contact_mobile=""))
    assert result.errors == {} and list(result.warnings) == ["contact_mobile"]
    result = check_row(KIND, chamber, enterprise_row(id_number=make_id_number(5)))
    assert result.errors == {} and list(result.warnings) == ["id_number"]


def test_check_makes_no_query(chamber, branches, member, django_assert_num_queries):
    spec = import_kind_spec(KIND)
    with scope(chamber=chamber):
        context = spec.prepare(chamber=chamber, options={})
        with django_assert_num_queries(0):
            for n in range(20):
                spec.check_row(enterprise_row(n), context, RowResult())


def test_tenant_safety(chamber, branches, other_chamber):
    """Another chamber's branches, ranks and enterprises do not exist here."""
    with scope(chamber=other_chamber):
        branch_create(chamber=other_chamber, actor=None, name="川渝分会", kind="branch")
        Rank.objects.create(chamber=other_chamber, name="荣誉会员", code="honour", order=5)
        other_uscc = Enterprise.objects.get(chamber=other_chamber).uscc
    assert list(check_row(KIND, chamber, enterprise_row(branches="川渝分会")).errors) == ["branches"]
    assert list(check_row(KIND, chamber, enterprise_row(rank="荣誉会员")).errors) == ["rank"]
    result = check_row(KIND, chamber, enterprise_row(uscc=other_uscc))
    assert result.errors == {} and result.warnings == {}


# --- Applying and undo ---------------------------------------------------------------------------

def test_apply_and_undo_restore_the_roster(chamber, branches, member, admin_user):
    before = counts(chamber)
    records = apply_rows(KIND, chamber, [enterprise_row(1), individual_row(1)], admin_user)
    after = counts(chamber)
    assert after["Membership"] == before["Membership"] + 2
    assert after["Enterprise"] == before["Enterprise"] + 1
    assert after["Person"] == before["Person"] + 2  # the contact and the individual member
    with scope(chamber=chamber):
        imported = Membership.objects.get(chamber=chamber, member_number="NEW-1")
        assert imported.status == MembershipStatus.ACTIVE and imported.joined_on == datetime.date(2021, 3, 1)
        assert imported.rank.name == "会员单位" and [b.name for b in imported.branches.all()] == ["显示分会"]
        assert imported.enterprise.uscc == make_uscc(200001) and imported.enterprise.industry_code == "C3831"
        contact = Contact.objects.get(chamber=chamber, enterprise=imported.enterprise)
        assert contact.is_primary and contact.person.mobile == "13912340001" and contact.title == "办公室主任"
        person_member = Membership.objects.get(chamber=chamber, member_number="P-1")
        assert person_member.person.gender == "male" and person_member.person.mobile == "13812340001"
    undo_rows(KIND, chamber, records, admin_user)
    assert counts(chamber) == before


def test_existing_enterprise_is_used_and_undo_keeps_it(chamber, branches, admin_user):
    with scope(chamber=chamber):
        enterprise = enterprise_create(chamber=chamber, actor=None, name="苏州老企业", uscc=make_uscc(200050))
        old = contact_add(enterprise=enterprise, person=person_create(chamber=chamber, actor=None, name="老联系人"),
                          actor=None, is_primary=True)
    before = counts(chamber)
    records = apply_rows(KIND, chamber, [enterprise_row(50, name="苏州老企业（新名）")], admin_user)
    with scope(chamber=chamber):
        membership = Membership.objects.get(chamber=chamber, member_number="NEW-50")
        assert membership.enterprise_id == enterprise.pk and membership.name == "苏州老企业"
        assert Enterprise.objects.filter(chamber=chamber).count() == before["Enterprise"]
        old.refresh_from_db()
        assert not old.is_primary
    undo_rows(KIND, chamber, records, admin_user)
    assert counts(chamber) == before
    with scope(chamber=chamber):
        old.refresh_from_db()
        assert old.is_primary and Enterprise.objects.filter(pk=enterprise.pk).exists()


def test_later_rows_see_earlier_ones(chamber, branches, admin_user):
    """Applied one by one, a row repeating an earlier one's code fails its re-check."""
    spec = import_kind_spec(KIND)
    with scope(chamber=chamber):
        context = spec.prepare(chamber=chamber, options={})
        spec.apply_row(enterprise_row(1), context, actor=admin_user)
        result = RowResult()
        spec.check_row(enterprise_row(1, member_number="OTHER"), context, result)
    assert list(result.errors) == ["uscc"]


def test_undo_refused_when_a_member_was_used_since(chamber, branches, admin_user):
    records = apply_rows(KIND, chamber, [enterprise_row(1), enterprise_row(2)], admin_user)
    with scope(chamber=chamber):
        programme = programme_create(chamber=chamber, actor=admin_user, name="助学", kind="education",
                                     starts_on=datetime.date(2020, 1, 1))
        donation_record(programme=programme, actor=admin_user, donor_kind="member", form="money", amount="100",
                        pledged_on=timezone.localdate(),
                        membership=Membership.objects.get(chamber=chamber, member_number="NEW-2"))
    before = counts(chamber)
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        undo_rows(KIND, chamber, records, admin_user)
    assert "苏州新材料2有限公司" in caught.value.messages[0] and "苏州新材料1有限公司" not in caught.value.messages[0]
    assert counts(chamber) == before


def test_undo_refused_when_a_contact_was_added_since(chamber, branches, admin_user):
    records = apply_rows(KIND, chamber, [enterprise_row(1)], admin_user)
    with scope(chamber=chamber):
        enterprise = Enterprise.objects.get(chamber=chamber, uscc=make_uscc(200001))
        contact_add(enterprise=enterprise, person=person_create(chamber=chamber, actor=None, name="新联系人"), actor=None)
    before = counts(chamber)
    with pytest.raises(ValidationError):
        undo_rows(KIND, chamber, records, admin_user)
    assert counts(chamber) == before


def test_service_errors_come_back_per_cell(chamber, branches, admin_user):
    """A row that passed the check but fails in the service (a race) names its cell."""
    spec = import_kind_spec(KIND)
    with scope(chamber=chamber):
        context = spec.prepare(chamber=chamber, options={})
        enterprise_create(chamber=chamber, actor=None, name="抢先登记", uscc=make_uscc(200001))
        with pytest.raises(ValidationError) as caught:
            spec.apply_row(enterprise_row(1), context, actor=admin_user)
    assert set(caught.value.message_dict) == {"uscc"}


# --- The bulk path ---------------------------------------------------------------------------------

def _apply_bulk(chamber, rows, actor):
    spec = import_kind_spec(KIND)
    with scope(chamber=chamber):
        context = spec.prepare(chamber=chamber, options={})
        return spec.apply_rows(rows, context, actor=actor)


def test_bulk_makes_what_the_services_make(chamber, branches, admin_user):
    with scope(chamber=chamber):
        enterprise = enterprise_create(chamber=chamber, actor=None, name="苏州老企业", uscc=make_uscc(200050))
        old = contact_add(enterprise=enterprise, person=person_create(chamber=chamber, actor=None, name="老联系人"),
                          actor=None, is_primary=True)
    before = counts(chamber)
    rows = [enterprise_row(1), enterprise_row(2, contact_name="", contact_mobile="", contact_title="", branches=""),
            individual_row(1), enterprise_row(50)]
    records = _apply_bulk(chamber, rows, admin_user)
    with scope(chamber=chamber):
        first = Membership.objects.get(chamber=chamber, member_number="NEW-1")
        assert first.name == "苏州新材料1有限公司" and first.enterprise.name_initials == "szxcl1yxgs"
        history = {c.field: c.new_value for c in MembershipChange.objects.filter(membership=first)}
        assert history == {ChangeField.CREATED: "active", ChangeField.RANK: "会员单位", ChangeField.BRANCHES: "显示分会"}
        assert MembershipChange.objects.filter(membership=first).first().actor == admin_user
        contact = Contact.objects.get(chamber=chamber, enterprise=first.enterprise)
        assert contact.is_primary and contact.person.name == "李四1"
        entry = AuditEntry.objects.get(chamber=chamber, target_type="members.enterprise", target_id=str(first.enterprise_id))
        assert entry.changes["uscc"] == [None, make_uscc(200001)] and entry.changes["contact"] == [None, "李四1 办公室主任"]
        person = Membership.objects.get(chamber=chamber, member_number="P-1").person
        assert person.birth_date == datetime.date(1975, 6, 15) and person.gender == "male"
        reused = Membership.objects.get(chamber=chamber, member_number="NEW-50")
        assert reused.enterprise_id == enterprise.pk and reused.name == "苏州老企业"
        old.refresh_from_db()
        assert not old.is_primary
    after = counts(chamber)
    assert after["Membership"] == before["Membership"] + 4 and after["Enterprise"] == before["Enterprise"] + 2
    undo_rows(KIND, chamber, records, admin_user)
    assert counts(chamber) == before
    with scope(chamber=chamber):
        old.refresh_from_db()
        assert old.is_primary


def test_bulk_costs_the_same_queries_whatever_the_chunk(chamber, branches, admin_user, django_assert_num_queries):
    # prepare: ranks, current members, enterprises, people, member numbers, branches (6);
    # apply_rows: enterprises, people, memberships, branch links, history, contacts, audit (7 inserts).
    with django_assert_num_queries(13):
        _apply_bulk(chamber, [enterprise_row(n) for n in range(1, 3)], admin_user)
    with django_assert_num_queries(13):
        _apply_bulk(chamber, [enterprise_row(n) for n in range(10, 30)], admin_user)


def test_bulk_refuses_rows_naming_one_member_twice(chamber, branches, admin_user):
    before = counts(chamber)
    with pytest.raises(ValidationError):
        _apply_bulk(chamber, [enterprise_row(1), enterprise_row(2, uscc=make_uscc(200001))], admin_user)
    assert counts(chamber) == before


def test_bulk_refuses_a_row_with_errors(chamber, branches, admin_user):
    with pytest.raises(ValidationError) as caught:
        _apply_bulk(chamber, [enterprise_row(1), enterprise_row(2, rank="金牌会员")], admin_user)
    assert set(caught.value.message_dict) == {"rank"}



# --- End to end: a real .xlsx through upload, check, commit and undo --------------------------------

def test_file_end_to_end(kind_media, chamber, branches, member, admin_user, monkeypatch):
    """Headers as people write them (aliases), dates as real spreadsheet dates, one row per
    kind of member, one row with an error: "only the valid rows" imports the others in bulk."""
    from members.imports import members as members_kind

    bulk_calls = []
    register_many = members_kind.member_register_many

    def counting_register_many(*args, **kwargs):
        bulk_calls.append(kwargs.get("rows"))
        return register_many(*args, **kwargs)

    monkeypatch.setattr(members_kind, "member_register_many", counting_register_many)
    headers = ["会员类型", "企业名称", "信用代码", "会员级别", "分会", "会员号", "入会时间", "联系人", "手机号", "身份证号码"]
    rows = [
        ["企业会员", "苏州新光科技有限公司", make_uscc(200001), "副会长单位", "光缆分会、显示分会", "GD-101",
         datetime.datetime(2024, 3, 1), "王五", 13912345678, None],
        ["团体会员", "吴江区光电协会", None, "理事单位", None, "GD-102", "2023/5/6", None, None, None],
        ["个人会员", "周杰", None, None, None, "GD-103", "2022年1月2日", None, "13812345678", make_id_number(301)],
        ["企业会员", "苏州坏分会有限公司", make_uscc(200004), None, "光学分会/镜片组", None, None, None, None, None],
    ]
    before = counts(chamber)
    batch = import_file(chamber, admin_user, KIND, headers, rows)
    found = batch_rows(batch)
    assert batch.status == "checked" and batch.error_rows == 1
    assert list(found[5].errors) == ["branches"] and all(found[n].errors == {} for n in (2, 3, 4))
    batch = import_commit_as(chamber, admin_user, batch, "valid")
    assert batch.status == "imported" and batch.imported_rows == 3
    assert len(bulk_calls) == 1 and len(bulk_calls[0]) == 3  # the bulk path, not row by row
    with scope(chamber=chamber):
        made = Membership.objects.get(chamber=chamber, member_number="GD-101")
        assert made.joined_on == datetime.date(2024, 3, 1) and made.rank.name == "副会长单位"
        assert sorted(b.name for b in made.branches.all()) == ["光缆分会", "显示分会"]
        assert Contact.objects.get(chamber=chamber, enterprise=made.enterprise).person.mobile == "13912345678"
        assert Membership.objects.get(chamber=chamber, member_number="GD-103").person.id_number == make_id_number(301)
    assert counts(chamber)["Membership"] == before["Membership"] + 3
    batch = import_undo_as(chamber, admin_user, batch)
    assert batch.status == "undone" and counts(chamber) == before


def test_file_repeating_a_code_with_spaces_flags_both_rows(kind_media, chamber, branches, admin_user):
    """A USCC written with spaces is the same code: the preview flags both rows, rather than
    letting the second through to fail at commit."""
    code = make_uscc(200001)
    spaced = " ".join(code[i:i + 4] for i in range(0, len(code), 4))
    headers = ["企业名称", "统一社会信用代码", "会员级别"]
    rows = [["苏州甲有限公司", code, "会员单位"], ["苏州乙有限公司", spaced, "会员单位"]]
    batch = import_file(chamber, admin_user, KIND, headers, rows)
    found = batch_rows(batch)
    assert batch.status == "checked" and batch.error_rows == 2
    assert "uscc" in found[2].errors and "uscc" in found[3].errors
