"""Creating and editing members, people and contacts: one transaction per page, errors
under their fields with what was typed kept, history and audit with who changed what."""
import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django_scopes import scope, scopes_disabled

from chamber.models import AuditEntry
from chamber.validators import mask_id_number, normalize_uscc
from members.models import Contact, Enterprise, Membership, MembershipChange, MembershipStatus, Person, Rank
from members.services import contact_add, membership_set_branches, person_create
from tests.factories import make_id_number, make_uscc

GOOD_USCC = make_uscc(555001)
BAD_USCC = GOOD_USCC[:17] + ("0" if GOOD_USCC[17] != "0" else "1")


def url(chamber, name, **kwargs):
    return reverse(f"members:{name}", kwargs={"chamber": chamber.slug, **kwargs})


def counts(chamber):
    with scope(chamber=chamber):
        return (Enterprise.objects.count(), Membership.objects.count(), Person.objects.count(),
                Contact.objects.count(), MembershipChange.objects.count())


def field_error(html, html_name):
    """The error shown under one field (inside its field group, before the next one), or None."""
    start = html.find(f'id="field-{html_name}"')
    assert start >= 0, f"field {html_name} missing"
    end = html.find('id="field-', start + 1)
    group = html[start:end if end > 0 else len(html)]
    error = re.search(rf'id="id_{html_name}_error">([^<]*)<', group)
    return error.group(1) if error else None


def rank(chamber, code="member"):
    with scope(chamber=chamber):
        return Rank.objects.get(chamber=chamber, code=code)


def create_data(chamber, **overrides):
    data = {
        "kind": "enterprise",
        "enterprise-name": "苏州新光通信有限公司", "enterprise-uscc": GOOD_USCC,
        "enterprise-legal_representative": "王新", "enterprise-industry_code": "c3831",
        "enterprise-division_code": "320505", "enterprise-address": "苏州工业园区星湖街1号",
        "enterprise-founded_on": "2010-05-01", "enterprise-registered_capital": "5000000",
        "enterprise-employees": "120", "enterprise-website": "https://xg.example.cn",
        "membership-rank": str(rank(chamber).pk), "membership-member_number": "GD-100",
        "membership-joined_on": "2026-01-15", "membership-status": "active",
        "contact-name": "", "contact-mobile": "", "contact-title": "",
    }
    data.update(overrides)
    return data


# --- Who may open the pages --------------------------------------------------------------------

def _write_urls(chamber, member):
    return [url(chamber, "create"), url(chamber, "edit", pk=member.pk), url(chamber, "person_create"),
            url(chamber, "contact_add", pk=member.pk)]


def test_write_pages_isolation(client, client_as, chamber, member, outsider, staff_readonly, reviewer):
    for page in _write_urls(chamber, member):
        assert client_as(outsider).get(page).status_code == 404, page
        assert client_as(outsider).post(page, {}).status_code == 404, page
        assert client_as(staff_readonly).get(page).status_code == 403, page
        assert client_as(staff_readonly).post(page, {}).status_code == 403, page
        assert client_as(reviewer).get(page).status_code == 403, page
        anonymous = client.get(page)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/"), page
    for page in (url(chamber, "validate"), url(chamber, "contact_remove", pk=member.pk, contact=1)):
        assert client_as(outsider).post(page, {}).status_code == 404
        assert client_as(staff_readonly).post(page, {}).status_code == 403


def test_write_pages_of_a_member_outside_reach_are_404(client_as, chamber, branch_display, branch_secretary, secretary):
    response = client_as(secretary).post(url(chamber, "create"), create_data(
        chamber, **{"enterprise-name": "显示外企二", "enterprise-uscc": "", "membership-member_number": "",
                    "membership-branches": [str(branch_display.pk)]}))
    assert response.status_code == 302
    with scope(chamber=chamber):
        outside = Membership.objects.get(name="显示外企二")
    client = client_as(branch_secretary)
    for name in ("edit", "contact_add"):
        assert client.get(url(chamber, name, pk=outside.pk)).status_code == 404
    assert client.post(url(chamber, "edit", pk=outside.pk), {}).status_code == 404


# --- Create ------------------------------------------------------------------------------------

def test_create_with_a_wrong_uscc_saves_nothing_then_fixing_it_saves(client_as, chamber, branches, secretary):
    client = client_as(secretary)
    before = counts(chamber)
    data = create_data(chamber, **{"enterprise-uscc": BAD_USCC, "contact-name": "王联系",
                                   "contact-mobile": "139 1111 2222", "contact-title": "办公室主任",
                                   "membership-branches": [str(branches["cable"].pk)]})
    response = client.post(url(chamber, "create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    # The validator's own message, in the page's language, under the USCC field.
    with translation.override(response.wsgi_request.LANGUAGE_CODE), pytest.raises(ValidationError) as exc:
        normalize_uscc(BAD_USCC)
    expected = exc.value.messages[0]
    assert field_error(html, "enterprise-uscc") == expected
    assert 'aria-invalid="true"' in html
    # What was typed is kept.
    assert f'value="{BAD_USCC}"' in html and 'value="苏州新光通信有限公司"' in html and 'value="王联系"' in html
    assert counts(chamber) == before

    data["enterprise-uscc"] = GOOD_USCC
    response = client.post(url(chamber, "create"), data)
    assert response.status_code == 302
    with scope(chamber=chamber):
        membership = Membership.objects.select_related("enterprise").get(member_number="GD-100")
        assert membership.enterprise.uscc == GOOD_USCC and membership.enterprise.industry_code == "C3831"
        assert membership.status == MembershipStatus.ACTIVE and membership.joined_on == datetime.date(2026, 1, 15)
        assert [b.pk for b in membership.branches.all()] == [branches["cable"].pk]
        contact = Contact.objects.select_related("person").get(enterprise=membership.enterprise)
        assert contact.is_primary and contact.title == "办公室主任" and contact.person.mobile == "13911112222"
    assert response["Location"] == url(chamber, "detail", pk=membership.pk)
    detail = client.get(response["Location"]).content.decode()
    assert 'data-change="created"' in detail and f'data-actor="{secretary.pk}"' in detail
    assert 'data-action="create"' in detail and GOOD_USCC in detail


def test_create_is_all_or_nothing_when_a_later_step_fails(client_as, chamber, member, secretary):
    """The enterprise is valid but the member number is taken: the enterprise is not kept."""
    before = counts(chamber)
    response = client_as(secretary).post(url(chamber, "create"), create_data(chamber, **{"membership-member_number": "GD-001"}))
    assert response.status_code == 200
    assert field_error(response.content.decode(), "membership-member_number")
    assert counts(chamber) == before


def test_create_with_a_bad_contact_mobile_saves_nothing(client_as, chamber, secretary):
    before = counts(chamber)
    response = client_as(secretary).post(url(chamber, "create"), create_data(
        chamber, **{"contact-name": "王联系", "contact-mobile": "12345"}))
    assert response.status_code == 200
    assert field_error(response.content.decode(), "contact-mobile")
    assert counts(chamber) == before


def test_create_a_contact_needs_a_name(client_as, chamber, secretary):
    response = client_as(secretary).post(url(chamber, "create"), create_data(chamber, **{"contact-mobile": "13911112222"}))
    assert response.status_code == 200
    assert field_error(response.content.decode(), "contact-name")


def test_create_an_individual_member(client_as, chamber, secretary):
    id_number = make_id_number(42)
    response = client_as(secretary).post(url(chamber, "create"), {
        "kind": "individual", "person-name": "赵个人", "person-mobile": "13922223333", "person-id_number": id_number,
        "person-gender": "", "person-email": "", "person-political_affiliation": "",
        "membership-rank": str(rank(chamber).pk), "membership-status": "applied",
    })
    assert response.status_code == 302
    with scope(chamber=chamber):
        membership = Membership.objects.select_related("person").get(name="赵个人")
        assert membership.kind == "individual" and membership.person.id_number == id_number
        assert membership.person.gender == "male"  # read from the ID number


def test_branch_secretary_creates_only_within_reach(client_as, chamber, branches, branch_secretary):
    client = client_as(branch_secretary)
    html = client.get(url(chamber, "create")).content.decode()
    offered = {int(v) for v in re.findall(r'name="membership-branches" value="(\d+)"', html)}
    assert offered == {branches["cable"].pk, branches["cable_sub"].pk}
    assert 'name="contact-id_number"' not in html  # no personal data for branch secretaries
    before = counts(chamber)
    for chosen in ([], [str(branches["display"].pk)]):
        response = client.post(url(chamber, "create"), create_data(chamber, **{"membership-branches": chosen}))
        assert response.status_code == 200
        assert field_error(response.content.decode(), "membership-branches")
    assert counts(chamber) == before
    response = client.post(url(chamber, "create"), create_data(chamber, **{"membership-branches": [str(branches["cable_sub"].pk)]}))
    assert response.status_code == 302


def test_create_page_validates_identifiers_inline(client_as, chamber, secretary, staff_readonly):
    client = client_as(secretary)
    html = client.get(url(chamber, "create")).content.decode()
    validate = url(chamber, "validate")
    assert f'hx-post="{validate}"' in html and 'hx-target="#field-enterprise-uscc"' in html
    wrong = client.post(validate, {"_field": "enterprise-uscc", "enterprise-uscc": BAD_USCC}).content.decode()
    assert field_error(wrong, "enterprise-uscc") and f'value="{BAD_USCC}"' in wrong
    right = client.post(validate, {"_field": "enterprise-uscc", "enterprise-uscc": GOOD_USCC}).content.decode()
    assert field_error(right, "enterprise-uscc") is None
    mobile = client.post(validate, {"_field": "contact-mobile", "contact-mobile": "123"}).content.decode()
    assert field_error(mobile, "contact-mobile")
    assert client.post(validate, {"_field": "bogus-x"}).status_code == 400
    assert client.get(validate).status_code == 405


def test_inline_validation_knows_a_taken_uscc_but_not_ones_own(client_as, chamber, member, secretary):
    client = client_as(secretary)
    taken = member.enterprise.uscc
    response = client.post(url(chamber, "validate"), {"_field": "enterprise-uscc", "enterprise-uscc": taken})
    assert field_error(response.content.decode(), "enterprise-uscc")
    own = client.post(url(chamber, "validate"), {"_field": "enterprise-uscc", "enterprise-uscc": taken,
                                                  "_exclude": str(member.enterprise_id)})
    assert field_error(own.content.decode(), "enterprise-uscc") is None


# --- Edit --------------------------------------------------------------------------------------

def edit_data(chamber, membership, **overrides):
    with scope(chamber=chamber):
        e = Enterprise.objects.get(pk=membership.enterprise_id)
        m = Membership.objects.get(pk=membership.pk)
        branch_ids = [str(pk) for pk in m.branches.values_list("pk", flat=True)]
    data = {
        "enterprise-name": e.name, "enterprise-uscc": e.uscc, "enterprise-legal_representative": e.legal_representative,
        "enterprise-industry_code": e.industry_code, "enterprise-division_code": e.division_code,
        "enterprise-address": e.address, "enterprise-website": e.website, "enterprise-description": e.description,
        "membership-member_number": m.member_number, "membership-joined_on": m.joined_on.isoformat() if m.joined_on else "",
        "membership-rank": str(m.rank_id), "membership-status": m.status, "membership-branches": branch_ids,
        "membership-reason": "", "membership-effective_on": "",
    }
    data.update(overrides)
    return data


def test_edit_rank_with_a_reason_writes_history_with_the_actor(client_as, chamber, member, secretary):
    client = client_as(secretary)
    president = rank(chamber, "president")
    response = client.post(url(chamber, "edit", pk=member.pk), edit_data(
        chamber, member, **{"membership-rank": str(president.pk), "membership-reason": "换届当选"}))
    assert response.status_code == 302 and response["Location"] == url(chamber, "detail", pk=member.pk)
    with scope(chamber=chamber):
        change = MembershipChange.objects.filter(membership=member, field="rank").first()
        assert Membership.objects.get(pk=member.pk).rank_id == president.pk
    assert change.actor == secretary and change.reason == "换届当选" and change.new_value == president.name
    detail = client.get(response["Location"]).content.decode()
    assert "换届当选" in detail and f'data-actor="{secretary.pk}"' in detail


def test_edit_rank_without_a_reason_changes_nothing(client_as, chamber, member, secretary):
    before = counts(chamber)
    response = client_as(secretary).post(url(chamber, "edit", pk=member.pk), edit_data(
        chamber, member, **{"membership-rank": str(rank(chamber, "president").pk), "enterprise-address": "新地址"}))
    assert response.status_code == 200
    assert field_error(response.content.decode(), "membership-reason")
    assert counts(chamber) == before
    with scope(chamber=chamber):
        assert Enterprise.objects.get(pk=member.enterprise_id).address == ""


def test_a_status_change_not_allowed_is_refused(client_as, chamber, member, secretary):
    response = client_as(secretary).post(url(chamber, "edit", pk=member.pk), edit_data(
        chamber, member, **{"membership-status": "applied", "membership-reason": "误操作"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert field_error(html, "membership-status")
    # The menu only offers the steps allowed from "active".
    options = re.search(r'<select name="membership-status".*?</select>', html, re.S).group(0)
    assert 'value="suspended"' in options and 'value="applied"' not in options
    with scope(chamber=chamber):
        assert Membership.objects.get(pk=member.pk).status == MembershipStatus.ACTIVE
        assert not MembershipChange.objects.filter(membership=member, field="status").exists()


def test_edit_status_and_profile_show_in_history_and_audit(client_as, chamber, member, secretary):
    client = client_as(secretary)
    response = client.post(url(chamber, "edit", pk=member.pk), edit_data(
        chamber, member, **{"membership-status": "suspended", "membership-reason": "未缴会费",
                            "enterprise-address": "苏州市相城区1号", "membership-effective_on": "2026-03-01"}))
    assert response.status_code == 302
    with scope(chamber=chamber):
        change = MembershipChange.objects.get(membership=member, field="status")
        entry = AuditEntry.objects.get(target_type="members.enterprise", target_id=str(member.enterprise_id), action="update")
    assert (change.old_value, change.new_value, change.effective_on) == ("active", "suspended", datetime.date(2026, 3, 1))
    assert entry.actor == secretary and entry.changes["address"] == ["", "苏州市相城区1号"]
    detail = client.get(url(chamber, "detail", pk=member.pk)).content.decode()
    assert 'data-change="status"' in detail and "未缴会费" in detail and "苏州市相城区1号" in detail


def test_branch_secretary_edits_branches_within_reach_and_keeps_the_others(
        client_as, chamber, member, branches, branch_secretary, secretary):
    with scope(chamber=chamber):
        membership_set_branches(membership=member, actor=secretary, reason="兼属",
                                branches=[branches["cable_sub"], branches["display"]])
    response = client_as(branch_secretary).post(url(chamber, "edit", pk=member.pk), edit_data(
        chamber, member, **{"membership-branches": [str(branches["cable"].pk)], "membership-reason": "调整分会"}))
    assert response.status_code == 302
    with scope(chamber=chamber):
        assert set(Membership.objects.get(pk=member.pk).branches.values_list("pk", flat=True)) == {
            branches["cable"].pk, branches["display"].pk}


def test_edit_page_keeps_what_was_typed(client_as, chamber, member, secretary):
    response = client_as(secretary).post(url(chamber, "edit", pk=member.pk), edit_data(
        chamber, member, **{"enterprise-uscc": BAD_USCC, "enterprise-address": "保留的地址"}))
    html = response.content.decode()
    assert response.status_code == 200 and field_error(html, "enterprise-uscc")
    assert 'value="保留的地址"' in html and f'value="{BAD_USCC}"' in html


# --- People ------------------------------------------------------------------------------------

def test_person_create_and_edit(client_as, chamber, secretary):
    client = client_as(secretary)
    id_number = make_id_number(77, male=False)
    response = client.post(url(chamber, "person_create"), {"person-name": "孙女士", "person-mobile": "+86 139 0000 1111",
                                                             "person-id_number": id_number})
    assert response.status_code == 302
    with scope(chamber=chamber):
        person = Person.objects.get(name="孙女士")
    assert person.mobile == "13900001111" and person.gender == "female"
    assert response["Location"] == url(chamber, "person_edit", pk=person.pk)
    bad = client.post(url(chamber, "person_edit", pk=person.pk), {"person-name": "孙女士", "person-id_number": "123"})
    assert bad.status_code == 200 and field_error(bad.content.decode(), "person-id_number")
    ok = client.post(url(chamber, "person_edit", pk=person.pk) + "?next=/c/sz-optical/members/",
                     {"person-name": "孙丽", "person-mobile": "13900001111", "person-id_number": id_number})
    assert ok.status_code == 302 and ok["Location"] == "/c/sz-optical/members/"
    with scope(chamber=chamber):
        assert Person.objects.get(pk=person.pk).name == "孙丽"
    # An outside `next` is not followed.
    away = client.post(url(chamber, "person_edit", pk=person.pk) + "?next=https://evil.example/",
                       {"person-name": "孙丽", "person-id_number": id_number})
    assert away["Location"] == url(chamber, "person_edit", pk=person.pk)


def test_a_new_id_number_brings_its_birth_date(client_as, chamber, secretary):
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=None, name="冯先生", id_number=make_id_number(5))
    page = client_as(secretary).get(url(chamber, "person_edit", pk=person.pk)).content.decode()
    assert f'value="{person.birth_date.isoformat()}"' in page
    new_number = make_id_number(6, born=datetime.date(1988, 8, 8), male=False)
    response = client_as(secretary).post(url(chamber, "person_edit", pk=person.pk), {
        "person-name": "冯女士", "person-id_number": new_number, "person-gender": person.gender,
        "person-birth_date": person.birth_date.isoformat(),  # left as it was on the page
    })
    assert response.status_code == 302
    with scope(chamber=chamber):
        person.refresh_from_db()
    assert (person.id_number, person.birth_date, person.gender) == (new_number, datetime.date(1988, 8, 8), "female")
    with scope(chamber=chamber):
        entry = AuditEntry.objects.filter(target_type="members.person", target_id=str(person.pk), action="update").get()
    # Never in clear in the log: masked as everywhere else.
    assert entry.changes["id_number"] == [mask_id_number(make_id_number(5)), mask_id_number(new_number)]


def test_a_branch_secretary_registers_a_person_and_stays_on_the_page(client_as, chamber, branch_secretary):
    response = client_as(branch_secretary).post(url(chamber, "person_create"), {"person-name": "陈未关联",
                                                                                 "person-id_number": make_id_number(9)})
    assert response.status_code == 302 and response["Location"] == url(chamber, "person_create")
    with scope(chamber=chamber):
        assert Person.objects.get(name="陈未关联").id_number == ""  # no personal data from them


def test_person_pages_hide_id_numbers_without_personal_data(client_as, chamber, member, branch_secretary, secretary):
    id_number = make_id_number(88)
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=secretary, name="钱先生", id_number=id_number)
        contact_add(enterprise=member.enterprise, person=person, actor=secretary)
    client = client_as(branch_secretary)
    page = client.get(url(chamber, "person_edit", pk=person.pk)).content.decode()
    assert id_number not in page and 'name="person-id_number"' not in page
    response = client.post(url(chamber, "person_edit", pk=person.pk), {"person-name": "钱先生", "person-id_number": ""})
    assert response.status_code == 302
    with scope(chamber=chamber):
        assert Person.objects.get(pk=person.pk).id_number == id_number  # not cleared by the form


def test_person_edit_isolation(client_as, chamber, other_chamber, member, outsider, secretary, staff_readonly):
    with scopes_disabled():
        foreign = Person.objects.create(chamber=other_chamber, name="外会人员")
    assert client_as(secretary).get(url(chamber, "person_edit", pk=foreign.pk)).status_code == 404
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=None, name="本会人员")
    assert client_as(outsider).get(url(chamber, "person_edit", pk=person.pk)).status_code == 404
    assert client_as(staff_readonly).post(url(chamber, "person_edit", pk=person.pk), {"person-name": "x"}).status_code == 403


# --- Contacts ----------------------------------------------------------------------------------

def test_contact_add_an_existing_person_found_by_search(client_as, chamber, member, secretary):
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=None, name="周找到", mobile="13955556666")
    client = client_as(secretary)
    page = client.get(url(chamber, "contact_add", pk=member.pk), {"q": "zzd"}).content.decode()
    assert f'value="{person.pk}"' in page
    partial = client.get(url(chamber, "contact_add", pk=member.pk), {"q": "5555"}, HTTP_HX_REQUEST="true")
    assert f'value="{person.pk}"' in partial.content.decode() and "<html" not in partial.content.decode()
    response = client.post(url(chamber, "contact_add", pk=member.pk),
                           {"person": str(person.pk), "title": "财务", "is_primary": "on"})
    assert response.status_code == 302 and response["Location"].endswith("#section-contacts")
    with scope(chamber=chamber):
        contact = Contact.objects.get(enterprise=member.enterprise, person=person)
    assert contact.title == "财务" and contact.is_primary


def test_contact_add_a_new_person(client_as, chamber, member, secretary):
    client = client_as(secretary)
    before = counts(chamber)
    bad = client.post(url(chamber, "contact_add", pk=member.pk), {"new-name": "吴新", "new-mobile": "1"})
    assert bad.status_code == 200 and field_error(bad.content.decode(), "new-mobile")
    assert 'value="吴新"' in bad.content.decode()
    neither = client.post(url(chamber, "contact_add", pk=member.pk), {"title": "x"})
    assert neither.status_code == 200 and 'id="id_person_error"' in neither.content.decode()
    assert counts(chamber) == before
    ok = client.post(url(chamber, "contact_add", pk=member.pk), {"new-name": "吴新", "new-mobile": "13977778888",
                                                                  "title": "秘书"})
    assert ok.status_code == 302
    with scope(chamber=chamber):
        assert Contact.objects.get(enterprise=member.enterprise, person__name="吴新").title == "秘书"


def test_contact_add_refuses_another_chambers_person(client_as, chamber, other_chamber, member, secretary):
    with scopes_disabled():
        foreign = Person.objects.create(chamber=other_chamber, name="外会人员")
    before = counts(chamber)
    response = client_as(secretary).post(url(chamber, "contact_add", pk=member.pk), {"person": str(foreign.pk)})
    assert response.status_code == 200 and 'id="id_person_error"' in response.content.decode()
    assert counts(chamber) == before


def test_contact_remove(client_as, chamber, member, secretary, staff_readonly):
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=None, name="郑去")
        contact = contact_add(enterprise=member.enterprise, person=person, actor=None, title="前任")
    remove = url(chamber, "contact_remove", pk=member.pk, contact=contact.pk)
    assert client_as(staff_readonly).post(remove).status_code == 403
    client = client_as(secretary)
    assert client.get(remove).status_code == 405
    response = client.post(remove)
    assert response.status_code == 302 and response["Location"] == url(chamber, "detail", pk=member.pk) + "#section-contacts"
    with scope(chamber=chamber):
        assert not Contact.objects.filter(pk=contact.pk).exists() and Person.objects.filter(pk=person.pk).exists()
        assert AuditEntry.objects.filter(action="contact", actor=secretary, changes__contact=["郑去 前任", None]).exists()
    assert client.post(remove).status_code == 404  # gone


def test_contact_remove_of_another_members_contact_is_404(client_as, chamber, member, secretary):
    with scope(chamber=chamber):
        other = Enterprise.objects.create(chamber=chamber, name="另一家")
        person = person_create(chamber=chamber, actor=None, name="别家人")
        contact = contact_add(enterprise=other, person=person, actor=None)
    response = client_as(secretary).post(url(chamber, "contact_remove", pk=member.pk, contact=contact.pk))
    assert response.status_code == 404
    with scope(chamber=chamber):
        assert Contact.objects.filter(pk=contact.pk).exists()


@pytest.mark.parametrize("name", ["edit", "contact_add"])
def test_pages_open_for_the_secretariat(client_as, chamber, member, secretary, name):
    assert client_as(secretary).get(url(chamber, name, pk=member.pk)).status_code == 200
