"""The donations import kind (charity/imports.py)."""
import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django_scopes import scope

from chamber.interchange.kinds import ROW, import_kind_spec
from chamber.models import EntryKind
from charity.imports import DonationImportOptions
from charity.models import Donation, DonationEntry
from charity.selectors import programme_summary
from charity.services import donation_receive, programme_close, programme_create
from members.models import Enterprise, MembershipStatus, Post
from members.officers import officer_appoint, term_create
from members.services import membership_change_status, person_create

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
KIND = "donations"
TODAY = timezone.localdate()


@pytest.fixture
def programme(chamber):
    with scope(chamber=chamber):
        return programme_create(chamber=chamber, actor=None, name="河南水灾救助", kind="disaster_relief",
                                starts_on=datetime.date(TODAY.year, 1, 1))


@pytest.fixture
def options(programme):
    return {"programme": programme.pk}


@pytest.fixture
def officer(chamber):
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=None, name="王建国")
        term = term_create(chamber=chamber, actor=None, ordinal=8, starts_on=datetime.date(TODAY.year - 1, 1, 1),
                           ends_on=datetime.date(TODAY.year + 3, 12, 31))
        officer_appoint(term=term, actor=None, person=person, post=Post.VICE_PRESIDENT)
    return person


def donation_row(**values):
    row = {"donor_kind": "会员", "uscc": "", "member_number": "GD-001", "amount": "50,000", "pledged_on": TODAY.isoformat()}
    row.update(values)
    return row


def check(chamber, options, **values):
    return check_row(KIND, chamber, donation_row(**values), options)


def test_clean_rows_pass(chamber, member, branches, officer, options):
    rows = [donation_row(), donation_row(member_number="", uscc=member.enterprise.uscc),
            donation_row(member_number="", donor_name="苏州光电缆有限公司", anonymous="是"),
            donation_row(donor_kind="分会", member_number="", donor_name="显示分会"),
            donation_row(donor_kind="班子成员", member_number="", donor_name="王建国"),
            donation_row(donor_kind="", member_number="", donor_name="爱心人士陈先生", received_amount="20000",
                         received_on=TODAY.isoformat(), method="微信", reference="WX001"),
            donation_row(form="物资", goods_description="矿泉水 500 箱", amount="8000", received_amount="8000")]
    for result in check_rows(KIND, chamber, rows, options):
        assert result.errors == {} and result.warnings == {}


@pytest.mark.parametrize("values, key", [
    ({"amount": "0"}, "amount"),
    ({"amount": ""}, "amount"),
    ({"amount": "100.005"}, "amount"),
    ({"received_amount": "60000", "method": "现金"}, "received_amount"),
    ({"received_amount": "100"}, "method"),
    ({"received_amount": "100", "method": "刷卡"}, "method"),
    ({"pledged_on": (TODAY + datetime.timedelta(days=1)).isoformat()}, "pledged_on"),
    ({"received_amount": "100", "method": "现金", "received_on": (TODAY + datetime.timedelta(days=3)).isoformat()},
     "received_on"),
    ({"member_number": "GD-999"}, "member_number"),
    ({"member_number": "", "donor_name": "不存在的企业"}, "donor_name"),
    ({"donor_kind": "分会", "member_number": "", "donor_name": "不存在的分会"}, "donor_name"),
    ({"donor_kind": "班子成员", "member_number": "", "donor_name": "不是班子成员"}, "donor_name"),
    ({"donor_kind": "外星人"}, "donor_kind"),
    ({"donor_kind": "社会人士", "member_number": "", "donor_name": ""}, "donor_name"),
    ({"form": "物资"}, "goods_description"),
    ({"form": "股票"}, "form"),
    ({"anonymous": "也许"}, "anonymous"),
])
def test_errors_land_in_their_cell(chamber, member, branches, options, values, key):
    result = check(chamber, options, **values)
    assert list(result.errors) == [key], result.errors


def test_messages_in_chinese(chamber, member, options):
    with translation.override("zh-hans"):
        result = check(chamber, options, amount="-1")
    # A negative amount is refused by the number parser, zero by the amount rule.
    assert result.errors["amount"]
    with translation.override("zh-hans"):
        result = check(chamber, options, amount="0")
    assert result.errors["amount"] == ["金额必须大于零。"]


def test_a_member_who_left(chamber, member, options):
    with scope(chamber=chamber):
        membership_change_status(membership=member, actor=None, status=MembershipStatus.LEFT, reason="迁出")
    assert list(check(chamber, options).errors) == ["member_number"]


def test_closed_or_foreign_programme(chamber, member, programme, other_programme_id):
    with scope(chamber=chamber):
        programme_close(programme=programme, actor=None)
    assert list(check(chamber, {"programme": programme.pk}).errors) == [ROW]
    assert list(check(chamber, {"programme": other_programme_id}).errors) == [ROW]


@pytest.fixture
def other_programme_id(other_chamber):
    with scope(chamber=other_chamber):
        return programme_create(chamber=other_chamber, actor=None, name="川渝助学", kind="education",
                                starts_on=datetime.date(TODAY.year, 1, 1)).pk


def test_options_offer_open_programmes_of_the_chamber(chamber, programme, other_programme_id):
    with scope(chamber=chamber):
        closed = programme_create(chamber=chamber, actor=None, name="已结束项目", kind="other",
                                  starts_on=datetime.date(TODAY.year, 1, 1))
        programme_close(programme=closed, actor=None)
        form = DonationImportOptions({"programme": str(programme.pk)}, chamber=chamber)
        assert form.is_valid() and json.dumps(form.cleaned_data) == json.dumps({"programme": programme.pk})
        assert [pk for pk, _name in form.fields["programme"].choices] == [programme.pk]
        assert not DonationImportOptions({"programme": str(other_programme_id)}, chamber=chamber).is_valid()
        assert not DonationImportOptions({"programme": str(closed.pk)}, chamber=chamber).is_valid()


def test_apply_and_undo_restore_the_totals(chamber, member, branches, programme, options, admin_user):
    rows = [donation_row(received_amount="20000", method="银行转账", reference="BK-1"),
            donation_row(donor_kind="社会人士", member_number="", donor_name="陈先生", amount="300", anonymous="是"),
            donation_row(form="物资", goods_description="帐篷 50 顶", amount="8000", received_amount="8000")]
    with scope(chamber=chamber):
        before = programme_summary(programme=programme)
    records = apply_rows(KIND, chamber, rows, admin_user, options)
    with scope(chamber=chamber):
        summary = programme_summary(programme=programme)
        assert (summary["pledged"], summary["received"], summary["count"]) == (58300, 28000, 3)
        first = Donation.objects.get(chamber=chamber, donor_name="苏州光电缆有限公司", form="money")
        assert first.membership == member and first.branch == branches["cable_sub"]
        assert first.entries.get().reference == "BK-1"
        assert Donation.objects.get(chamber=chamber, donor_name="陈先生").anonymous
    undo_rows(KIND, chamber, records, admin_user)
    with scope(chamber=chamber):
        after = programme_summary(programme=programme)
        assert (after["pledged"], after["received"]) == (before["pledged"], before["received"])
        kinds = sorted(DonationEntry.objects.filter(chamber=chamber).values_list("kind", flat=True))
        # Two receipts, their two reversals and three withdrawn pledges; nothing deleted.
        assert kinds == sorted([EntryKind.SETTLEMENT] * 2 + [EntryKind.REVERSAL] * 2 + [EntryKind.WRITE_OFF] * 3)


def test_undo_refused_when_money_came_in_since(chamber, member, programme, options, admin_user):
    records = apply_rows(KIND, chamber, [donation_row(), donation_row(member_number="", donor_kind="社会人士",
                                                                        donor_name="陈先生")], admin_user, options)
    with scope(chamber=chamber):
        donation = Donation.objects.get(chamber=chamber, donor_name="陈先生")
        donation_receive(donation=donation, actor=admin_user, amount="100", received_on=TODAY, method="cash")
        entries = DonationEntry.objects.filter(chamber=chamber).count()
    with pytest.raises(ValidationError) as caught:
        undo_rows(KIND, chamber, records, admin_user)
    assert "陈先生" in caught.value.messages[0] and "苏州光电缆有限公司" not in caught.value.messages[0]
    with scope(chamber=chamber):
        assert DonationEntry.objects.filter(chamber=chamber).count() == entries


def test_undo_reason_names_the_batch(chamber, member, programme, options, admin_user):
    records = apply_rows(KIND, chamber, [donation_row()], admin_user, options)

    class Batch:
        pk = 42

    with scope(chamber=chamber), translation.override("zh-hans"):
        import_kind_spec(KIND).undo_rows(records, chamber=chamber, actor=admin_user, batch=Batch())
        entry = DonationEntry.objects.get(chamber=chamber)
    assert entry.kind == EntryKind.WRITE_OFF and "#42" in entry.reason


def test_tenant_safety(chamber, member, options, other_chamber):
    with scope(chamber=other_chamber):
        other = Enterprise.objects.get(chamber=other_chamber)
    assert list(check(chamber, options, member_number="", uscc=other.uscc).errors) == ["uscc"]
    assert list(check(chamber, options, member_number="", donor_name=other.name).errors) == ["donor_name"]


def test_file_end_to_end(kind_media, chamber, member, programme, admin_user):
    headers = ["捐赠者类型", "会员号", "捐赠人", "是否匿名", "形式", "金额", "捐赠日期", "实收金额", "付款方式", "流水号"]
    rows = [["会员", "GD-001", None, "否", "资金", 50000, TODAY, 20000, "银行转账", "BK-1"],
            ["社会人士", None, "陈先生", "是", None, "300", TODAY.isoformat(), None, None, None],
            ["社会人士", None, "李女士", None, None, "0", TODAY.isoformat(), None, None, None]]
    batch = import_file(chamber, admin_user, KIND, headers, rows, options={"programme": str(programme.pk)})
    assert batch.options == {"programme": programme.pk}
    found = batch_rows(batch)
    assert batch.error_rows == 1 and list(found[4].errors) == ["amount"]
    assert import_commit_as(chamber, admin_user, batch, "valid").imported_rows == 2
    with scope(chamber=chamber):
        summary = programme_summary(programme=programme)
        assert (summary["pledged"], summary["received"]) == (50300, 20000)
    import_undo_as(chamber, admin_user, batch)
    with scope(chamber=chamber):
        summary = programme_summary(programme=programme)
        assert (summary["pledged"], summary["received"]) == (0, 0)
