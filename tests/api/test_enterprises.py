"""Enterprises, their annual figures and contacts: the secretariat edits every field; a
member representative keeps their own enterprise's self-service fields and nothing else."""
import pytest
from django_scopes import scope

from chamber.models import AuditEntry
from members.models import AnnualFigures, Contact, Enterprise, Person
from members.services import enterprise_create, person_create

from ..factories import make_uscc


@pytest.fixture
def stranger_enterprise(chamber):
    with scope(chamber=chamber):
        return enterprise_create(chamber=chamber, actor=None, name="苏州别家有限公司", uscc=make_uscc(100050))


def audit(chamber, enterprise, **filters):
    with scope(chamber=chamber):
        return list(AuditEntry.objects.filter(target_type="members.enterprise", target_id=str(enterprise.pk), **filters))


# --- The secretariat -------------------------------------------------------------------------------

def test_secretary_edits_every_field(api, url, chamber, secretary, member):
    uscc = make_uscc(100051)
    response = api.as_user(secretary).patch(url(f"enterprises/{member.enterprise_id}/"), {
        "name": "苏州光电缆股份有限公司", "uscc": uscc, "industry_code": "c3832", "registered_capital": "50000000.00",
    }, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["name"], body["uscc"], body["industry_code"], body["name_initials"]) == (
        "苏州光电缆股份有限公司", uscc, "C3832", "szgdlgfyxgs")
    [entry] = audit(chamber, member.enterprise, action="update")
    assert entry.actor == secretary and entry.changes["uscc"][1] == uscc


@pytest.mark.parametrize("body, field", [
    ({"uscc": "91320500MA1XXXXXX1"}, "uscc"),     # wrong characters / check character
    ({"name": "x" * 201}, "name"),
    ({"name": "含\x00空字符"}, "name"),
    ({"division_code": "3205"}, "division_code"),
    ({"employees": -1}, "employees"),
    ({"registered_capital": "-5"}, "registered_capital"),
])
def test_bad_input_is_400_with_the_field_name(api, url, chamber, secretary, member, body, field):
    response = api.as_user(secretary).patch(url(f"enterprises/{member.enterprise_id}/"), body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {field}
    assert audit(chamber, member.enterprise, action="update") == []


def test_wrong_uscc_check_character_is_400(api, url, secretary, member):
    good = make_uscc(100052)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    response = api.as_user(secretary).patch(url(f"enterprises/{member.enterprise_id}/"), {"uscc": bad}, format="json")
    assert response.status_code == 400
    assert response.data["uscc"][0].code == "uscc_check"


def test_duplicate_uscc_is_400(api, url, chamber, secretary, member, stranger_enterprise):
    response = api.as_user(secretary).patch(url(f"enterprises/{stranger_enterprise.pk}/"),
                                            {"uscc": member.enterprise.uscc}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"uscc"}
    with scope(chamber=chamber):
        assert Enterprise.objects.get(pk=stranger_enterprise.pk).uscc != member.enterprise.uscc


def test_branch_secretary_reaches_enterprises_of_their_members_only(api, url, branch_secretary, member, stranger_enterprise):
    client = api.as_user(branch_secretary)
    assert client.get(url(f"enterprises/{member.enterprise_id}/")).status_code == 200
    assert client.get(url(f"enterprises/{stranger_enterprise.pk}/")).status_code == 404
    assert client.patch(url(f"enterprises/{stranger_enterprise.pk}/"), {"address": "x"}, format="json").status_code == 404


# --- A member representative ------------------------------------------------------------------------

def test_representative_patches_own_enterprise_and_is_audited(api, url, chamber, representative, member):
    response = api.as_user(representative).patch(url(f"enterprises/{member.enterprise_id}/"), {
        "address": "苏州市吴江区七都镇光电路 8 号", "employees": 1200, "website": "https://cable.example.cn",
    }, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["address"] == "苏州市吴江区七都镇光电路 8 号"
    [entry] = audit(chamber, member.enterprise, action="update")
    assert entry.actor == representative
    assert set(entry.changes) == {"address", "employees", "website"}


@pytest.mark.parametrize("field, value", [("name", "改名公司"), ("uscc", make_uscc(100053)), ("division_code", "320506")])
def test_representative_cannot_change_other_fields(api, url, chamber, representative, member, field, value):
    response = api.as_user(representative).patch(url(f"enterprises/{member.enterprise_id}/"),
                                                 {field: value, "address": "新地址"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {field}
    with scope(chamber=chamber):
        unchanged = Enterprise.objects.get(pk=member.enterprise_id)
    assert getattr(unchanged, field) == getattr(member.enterprise, field) and unchanged.address == ""
    assert audit(chamber, member.enterprise, action="update") == []


def test_representative_gets_404_on_another_enterprise(api, url, representative, member, stranger_enterprise):
    client = api.as_user(representative)
    assert client.get(url(f"enterprises/{member.enterprise_id}/")).status_code == 200
    for path in ("", "figures/", "contacts/"):
        assert client.get(url(f"enterprises/{stranger_enterprise.pk}/{path}")).status_code == 404
    assert client.patch(url(f"enterprises/{stranger_enterprise.pk}/"), {"address": "x"}, format="json").status_code == 404
    assert client.post(url(f"enterprises/{stranger_enterprise.pk}/figures/"), {"year": 2024}, format="json").status_code == 404
    assert client.post(url(f"enterprises/{stranger_enterprise.pk}/contacts/"), {"new_person": {"name": "x"}},
                       format="json").status_code == 404


def test_revoked_representative_loses_the_enterprise(api, url, chamber, representative, member):
    from members.services import member_representative_revoke

    with scope(chamber=chamber):
        member_representative_revoke(enterprise=member.enterprise, user=representative, actor=None)
    assert api.as_user(representative).get(url(f"enterprises/{member.enterprise_id}/")).status_code == 404


# --- Annual figures -----------------------------------------------------------------------------------

def test_figures_post_creates_then_replaces_a_year(api, url, chamber, representative, member):
    client = api.as_user(representative)
    path = url(f"enterprises/{member.enterprise_id}/figures/")
    response = client.post(path, {"year": 2024, "revenue": "120000000.00", "tax_paid": "6000000.00", "employees": 800},
                           format="json")
    assert response.status_code == 201, response.json()
    response = client.post(path, {"year": 2024, "revenue": "130000000.00"}, format="json")
    assert response.status_code == 200
    assert response.json()["revenue"] == "130000000.00" and response.json()["tax_paid"] is None
    response = client.put(url(f"enterprises/{member.enterprise_id}/figures/2023/"), {"revenue": "90000000.00"}, format="json")
    assert response.status_code == 201 and response.json()["year"] == 2023
    assert [f["year"] for f in client.get(path).json()["results"]] == [2024, 2023]
    entries = audit(chamber, member.enterprise, action__startswith="figures")
    assert len(entries) == 3 and {e.actor for e in entries} == {representative}


def test_figures_bad_input(api, url, chamber, secretary, member):
    client = api.as_user(secretary)
    path = url(f"enterprises/{member.enterprise_id}/figures/")
    assert set(client.post(path, {"year": 1900}, format="json").json()) == {"year"}
    assert set(client.post(path, {"year": 2024, "revenue": "-1"}, format="json").json()) == {"revenue"}
    assert set(client.post(path, {"revenue": "1"}, format="json").json()) == {"year"}
    assert client.put(url(f"enterprises/{member.enterprise_id}/figures/1900/"), {}, format="json").status_code == 400
    with scope(chamber=chamber):
        assert not AnnualFigures.objects.exists()


# --- Contacts -----------------------------------------------------------------------------------------

def test_contacts_list_and_add_known_person(api, url, chamber, secretary, member, contact):
    client = api.as_user(secretary)
    with scope(chamber=chamber):
        li = person_create(chamber=chamber, actor=None, name="李娜", mobile="13700001111")
    path = url(f"enterprises/{member.enterprise_id}/contacts/")
    response = client.post(path, {"person": li.pk, "title": "办公室主任", "is_primary": True}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["person"] == {"id": li.pk, "name": "李娜"} and response.json()["mobile"] == "13700001111"
    results = client.get(path).json()["results"]
    assert [(c["person"]["name"], c["is_primary"]) for c in results] == [("李娜", True), ("张伟", False)]


def test_contact_with_new_person_in_one_request(api, url, chamber, representative, member):
    response = api.as_user(representative).post(url(f"enterprises/{member.enterprise_id}/contacts/"), {
        "new_person": {"name": "赵磊", "mobile": "+86 139 0000 1234"}, "title": "董秘"}, format="json")
    assert response.status_code == 201, response.json()
    # A representative is no roster reader: mobiles come back masked.
    assert response.json()["mobile"] == "139****1234"
    with scope(chamber=chamber):
        assert Person.objects.get(name="赵磊").mobile == "13900001234"
    assert audit(chamber, member.enterprise, action="contact", actor=representative)


def test_contact_bad_new_person_is_400_and_nothing_saved(api, url, chamber, secretary, member):
    with scope(chamber=chamber):
        before = Person.objects.count(), Contact.objects.count()
    response = api.as_user(secretary).post(url(f"enterprises/{member.enterprise_id}/contacts/"), {
        "new_person": {"name": "钱七", "mobile": "12345"}}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"new_person"} and set(response.json()["new_person"]) == {"mobile"}
    with scope(chamber=chamber):
        assert (Person.objects.count(), Contact.objects.count()) == before


def test_contact_foreign_person_is_400(api, url, secretary, member, foreign):
    response = api.as_user(secretary).post(url(f"enterprises/{member.enterprise_id}/contacts/"),
                                           {"person": foreign["person"].pk}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"person"}


def test_representative_cannot_attach_arbitrary_people(api, url, chamber, representative, member, contact):
    with scope(chamber=chamber):
        somebody = person_create(chamber=chamber, actor=None, name="孙某")
    path = url(f"enterprises/{member.enterprise_id}/contacts/")
    client = api.as_user(representative)
    response = client.post(path, {"person": somebody.pk}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"person"}
    # ...but may retitle their own contacts.
    response = client.post(path, {"person": contact.person_id, "title": "董事长", "is_primary": True}, format="json")
    assert response.status_code == 201 and response.json()["title"] == "董事长"


def test_contact_needs_exactly_one_person(api, url, secretary, member, person):
    path = url(f"enterprises/{member.enterprise_id}/contacts/")
    client = api.as_user(secretary)
    assert set(client.post(path, {}, format="json").json()) == {"person"}
    assert set(client.post(path, {"person": person.pk, "new_person": {"name": "x"}}, format="json").json()) == {"person"}
