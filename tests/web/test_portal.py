"""The member self-service portal: a representative sees and edits their own enterprise only."""
import pytest
from django.contrib.messages import constants as message_levels
from django.urls import reverse
from django_scopes import scope

from members.models import Contact, Enterprise, SelfServiceChange
from members.services import contact_add, enterprise_create, member_representative_grant, person_create


def url(name, chamber, **kwargs):
    return reverse(f"members:{name}", kwargs={"chamber": chamber.slug, **kwargs})


@pytest.fixture
def contact(chamber, member):
    with scope(chamber=chamber):
        person = person_create(chamber=chamber, actor=None, name="王经理", mobile="13912345678")
        return contact_add(enterprise=member.enterprise, person=person, actor=None, title="办公室主任", is_primary=True)


@pytest.fixture
def other_enterprise(chamber, make_user):
    """An enterprise of the same chamber with its own representative and contact."""
    with scope(chamber=chamber):
        enterprise = enterprise_create(chamber=chamber, actor=None, name="苏州别家科技有限公司", address="别家地址")
        person = person_create(chamber=chamber, actor=None, name="别家联系人", mobile="13800001111")
        contact_add(enterprise=enterprise, person=person, actor=None)
        member_representative_grant(enterprise=enterprise, user=make_user("other-rep"), actor=None)
    return enterprise


@pytest.fixture
def immediate(chamber):
    chamber.self_service_requires_approval = False
    chamber.save(update_fields=["self_service_requires_approval"])
    return chamber


def _page_urls(chamber, enterprise, contact):
    pk = {"enterprise_pk": enterprise.pk}
    return [
        url("portal_enterprise", chamber, **pk), url("portal_edit_profile", chamber, **pk),
        url("portal_contact_add", chamber, **pk), url("portal_figures", chamber, **pk),
        url("portal_contact_edit", chamber, contact_pk=contact.pk, **pk),
        url("portal_contact_remove", chamber, contact_pk=contact.pk, **pk),
    ]


def test_anonymous_is_sent_to_log_in_and_outsider_gets_404(client, client_as, chamber, member, contact, outsider):
    for page in [url("portal", chamber), *_page_urls(chamber, member.enterprise, contact)]:
        response = client.get(page)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), page
        assert client_as(outsider).get(page).status_code == 404, page
        assert client_as(outsider).post(page, {"name": "x"}).status_code == 404, page


def test_staff_without_self_service_get_403(client_as, chamber, member, contact, secretary, staff_readonly):
    for user in (secretary, staff_readonly):
        for page in [url("portal", chamber), *_page_urls(chamber, member.enterprise, contact)]:
            assert client_as(user).get(page).status_code == 403, page
        assert client_as(user).post(url("portal_edit_profile", chamber, enterprise_pk=member.enterprise_id),
                                    {"employees": "1"}).status_code == 403


def test_representative_sees_their_enterprise(client_as, chamber, member, contact, representative, branch_cable_sub):
    response = client_as(representative).get(url("portal", chamber))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-enterprise="{member.enterprise_id}"' in html and "苏州光电缆有限公司" in html
    assert 'data-membership-status="active"' in html and 'data-rank="vice-president"' in html
    assert f'data-branch="{branch_cable_sub.pk}"' in html
    assert f'data-contact="{contact.pk}"' in html and "13912345678" in html
    assert 'data-mode="approval"' in html


def test_representative_never_reaches_another_enterprise(client_as, chamber, member, contact, representative,
                                                         other_enterprise):
    client = client_as(representative)
    with scope(chamber=chamber):
        other_contact = Contact.objects.get(enterprise=other_enterprise)
    pages = _page_urls(chamber, other_enterprise, other_contact)
    for page in pages:
        assert client.get(page).status_code == 404, page
    for page in pages[1:]:  # the forms
        assert client.post(page, {"name": "x", "employees": "1", "year": "2024"}).status_code == 404, page
    # Another enterprise's contact through the representative's own enterprise.
    own = {"enterprise_pk": member.enterprise_id, "contact_pk": other_contact.pk}
    assert client.get(url("portal_contact_edit", chamber, **own)).status_code == 404
    assert client.post(url("portal_contact_remove", chamber, **own)).status_code == 404
    html = client.get(url("portal", chamber)).content.decode()
    assert "别家" not in html
    with scope(chamber=chamber):
        assert not SelfServiceChange.objects.exists()
        assert Contact.objects.filter(enterprise=other_enterprise).exists()


@pytest.mark.parametrize("name", ["members:list", "members:approvals", "chamber:dashboard", "branches:tree"])
def test_representative_never_reaches_staff_pages(client_as, chamber, representative, name):
    assert client_as(representative).get(reverse(name, kwargs={"chamber": chamber.slug})).status_code == 403


def test_several_enterprises_are_listed_to_pick_from(client_as, chamber, member, representative, other_enterprise):
    with scope(chamber=chamber):
        member_representative_grant(enterprise=other_enterprise, user=representative, actor=None)
    client = client_as(representative)
    html = client.get(url("portal", chamber)).content.decode()
    assert f'data-enterprise="{member.enterprise_id}"' in html and f'data-enterprise="{other_enterprise.pk}"' in html
    response = client.get(url("portal_enterprise", chamber, enterprise_pk=other_enterprise.pk))
    assert response.status_code == 200 and "别家地址" in response.content.decode()


def test_portal_page_costs_a_fixed_number_of_queries(client_as, chamber, member, representative,
                                                     django_assert_num_queries):
    client = client_as(representative)
    page = url("portal_enterprise", chamber, enterprise_pk=member.enterprise_id)
    client.get(page)

    def add_rows(n):
        with scope(chamber=chamber):
            for i in range(n):
                person = person_create(chamber=chamber, actor=None, name=f"联系人{i}", mobile=f"139{i:08d}")
                contact_add(enterprise=member.enterprise, person=person, actor=None)
                SelfServiceChange.objects.create(chamber=chamber, enterprise=member.enterprise, kind="profile",
                                                 proposed={"employees": i}, requested_by=representative)

    # session, chamber, user, roles (middleware); count of represented enterprises, the
    # enterprise by grant (guardian's grant is a subquery); memberships with rank, their
    # branches, contacts with people, annual figures, own changes; open events the member
    # may join (with the member's branch paths and officer check), its registrations, its
    # contacts to register; its requests; dues invoices, donations and their totals (2);
    # the user's chambers (2, the layout's chamber switcher).
    for rows in (1, 6):
        add_rows(rows)
        with django_assert_num_queries(24):
            assert client.get(page).status_code == 200


def test_profile_edit_is_prefilled_and_sent_for_approval(client_as, chamber, member, representative):
    client = client_as(representative)
    page = url("portal_edit_profile", chamber, enterprise_pk=member.enterprise_id)
    assert 'name="industry_code"' in client.get(page).content.decode()
    assert 'value="C3831"' in client.get(page).content.decode()
    response = client.post(page, {"industry_code": "C3831", "address": "星湖街1号", "employees": "88"}, follow=True)
    assert response.redirect_chain[-1][0] == url("portal_enterprise", chamber, enterprise_pk=member.enterprise_id)
    assert [m.level for m in response.context["messages"]] == [message_levels.INFO]
    with scope(chamber=chamber):
        change = SelfServiceChange.objects.get()
        assert Enterprise.objects.get(pk=member.enterprise_id).address == ""
    assert change.status == "pending" and change.proposed == {"address": "星湖街1号", "employees": 88}
    assert f'data-change="{change.pk}" data-status="pending"' in response.content.decode()


def test_profile_edit_applies_at_once_when_the_chamber_says_so(client_as, immediate, member, representative):
    client = client_as(representative)
    page = url("portal_edit_profile", immediate, enterprise_pk=member.enterprise_id)
    response = client.post(page, {"industry_code": "C3831", "address": "星湖街1号"}, follow=True)
    assert [m.level for m in response.context["messages"]] == [message_levels.SUCCESS]
    assert 'data-mode="immediate"' in response.content.decode()
    with scope(chamber=immediate):
        assert Enterprise.objects.get(pk=member.enterprise_id).address == "星湖街1号"
        assert SelfServiceChange.objects.get().status == "applied"


def test_bad_mobile_shows_the_error_keeps_the_input_and_stores_nothing(client_as, chamber, member, representative):
    client = client_as(representative)
    page = url("portal_contact_add", chamber, enterprise_pk=member.enterprise_id)
    response = client.post(page, {"name": "李四", "mobile": "12345", "title": "财务"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_mobile_error"' in html and 'aria-invalid="true"' in html
    assert 'value="李四"' in html and 'value="12345"' in html and 'value="财务"' in html
    with scope(chamber=chamber):
        assert not SelfServiceChange.objects.exists()


def test_nothing_changed_is_an_error_on_the_form(client_as, chamber, member, contact, representative):
    page = url("portal_contact_edit", chamber, enterprise_pk=member.enterprise_id, contact_pk=contact.pk)
    response = client_as(representative).post(page, {"name": "王经理", "mobile": "13912345678", "title": "办公室主任",
                                                     "is_primary": "on"})
    assert response.status_code == 200 and 'class="alert alert-danger"' in response.content.decode()
    with scope(chamber=chamber):
        assert not SelfServiceChange.objects.exists()


def test_contact_edit_and_remove_are_proposed(client_as, chamber, member, contact, representative):
    client = client_as(representative)
    pk = {"enterprise_pk": member.enterprise_id, "contact_pk": contact.pk}
    page = url("portal_contact_edit", chamber, **pk)
    assert 'value="13912345678"' in client.get(page).content.decode()
    client.post(page, {"name": "王经理", "mobile": "13700000000", "title": "办公室主任", "is_primary": "on"})
    assert client.get(url("portal_contact_remove", chamber, **pk)).status_code == 200
    assert client.post(url("portal_contact_remove", chamber, **pk)).status_code == 302
    with scope(chamber=chamber):
        kinds = list(SelfServiceChange.objects.order_by("pk").values_list("kind", "proposed", "contact_id"))
        assert Contact.objects.filter(pk=contact.pk).exists()  # waiting for approval
    assert kinds == [("contact_change", {"mobile": "13700000000"}, contact.pk), ("contact_remove", {}, contact.pk)]


def test_figures_form_opens_a_year_and_proposes_it(client_as, chamber, member, representative):
    client = client_as(representative)
    page = url("portal_figures", chamber, enterprise_pk=member.enterprise_id)
    assert 'value="2021"' in client.get(page + "?year=2021").content.decode()
    assert client.get(page + "?year=abc").status_code == 200  # falls back to last year
    response = client.post(page, {"year": "2021", "revenue": "-5"})
    assert response.status_code == 200 and 'id="id_revenue_error"' in response.content.decode()
    client.post(page, {"year": "2021", "revenue": "1234.5", "employees": "12"})
    with scope(chamber=chamber):
        change = SelfServiceChange.objects.get()
    assert change.proposed == {"year": 2021, "revenue": "1234.50", "tax_paid": None, "employees": 12}
