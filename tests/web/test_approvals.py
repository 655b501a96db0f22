"""The secretariat's approval queue: pending self-service changes, the diff, approve / reject."""
from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scope

from chamber.models import AuditEntry
from members.models import (
    Enterprise,
    MembershipKind,
    MembershipStatus,
    Rank,
    SelfServiceChange,
    SelfServiceKind,
)
from members.self_service import self_service_propose
from members.services import (
    enterprise_create,
    enterprise_update,
    member_representative_grant,
    membership_create,
)


def url(name, chamber, **kwargs):
    return reverse(f"members:{name}", kwargs={"chamber": chamber.slug, **kwargs})


def propose(chamber, enterprise, user, kind=SelfServiceKind.PROFILE, **values):
    with scope(chamber=chamber):
        return self_service_propose(enterprise=enterprise, user=user, kind=kind, values=values)


@pytest.fixture
def change(chamber, member, representative):
    return propose(chamber, member.enterprise, representative, address="星湖街1号", employees=88)


@pytest.fixture
def far_change(chamber, branch_display, make_user):
    """A pending change of an enterprise in the display branch (outside the branch secretary's reach)."""
    with scope(chamber=chamber):
        far = enterprise_create(chamber=chamber, actor=None, name="显示科技有限公司")
        membership_create(chamber=chamber, actor=None, kind=MembershipKind.ENTERPRISE, enterprise=far,
                          rank=Rank.objects.get(chamber=chamber, code="member"), branches=[branch_display],
                          status=MembershipStatus.ACTIVE)
        rep = make_user("far-rep")
        member_representative_grant(enterprise=far, user=rep, actor=None)
    return propose(chamber, far, rep, employees=5)


def test_anonymous_outsider_representative_and_readonly_are_kept_out(client, client_as, chamber, change, outsider,
                                                                      representative, staff_readonly):
    pages = [url("approvals", chamber), url("approval_detail", chamber, pk=change.pk)]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        assert client_as(outsider).get(page).status_code == 404
        assert client_as(representative).get(page).status_code == 403
        assert client_as(staff_readonly).get(page).status_code == 403
    for user, status in ((staff_readonly, 403), (representative, 403), (outsider, 404)):
        assert client_as(user).post(pages[1], {"action": "approve"}).status_code == status
    with scope(chamber=chamber):
        assert SelfServiceChange.objects.get(pk=change.pk).status == "pending"


def test_another_chambers_change_is_404(client_as, chamber, other_chamber, admin_user, make_user):
    with scope(chamber=other_chamber):
        enterprise = Enterprise.objects.get(chamber=other_chamber)
        rep = make_user("zj-rep")
        member_representative_grant(enterprise=enterprise, user=rep, actor=None)
    theirs = propose(other_chamber, enterprise, rep, employees=3)
    client = client_as(admin_user)
    assert client.get(url("approval_detail", chamber, pk=theirs.pk)).status_code == 404
    assert client.post(url("approval_detail", chamber, pk=theirs.pk), {"action": "approve"}).status_code == 404
    assert f'data-change="{theirs.pk}"' not in client.get(url("approvals", chamber)).content.decode()
    with scope(chamber=other_chamber):
        assert SelfServiceChange.objects.get(pk=theirs.pk).status == "pending"


def test_queue_lists_pending_oldest_first_with_count(client_as, chamber, member, representative, secretary,
                                                     django_assert_num_queries):
    client = client_as(secretary)
    first = propose(chamber, member.enterprise, representative, employees=1)
    client.get(url("approvals", chamber))
    # session, chamber, user, roles (middleware); count; the page of changes with enterprise,
    # requester, decider and contact joined; the user's chambers (2, the chamber switcher).
    for more in (0, 5):
        for i in range(more):
            propose(chamber, member.enterprise, representative, employees=10 + i)
        with django_assert_num_queries(9):
            response = client.get(url("approvals", chamber))
    html = response.content.decode()
    assert 'data-count="6"' in html
    with scope(chamber=chamber):
        pks = list(SelfServiceChange.objects.order_by("requested_at", "pk").values_list("pk", flat=True))
    assert pks[0] == first.pk
    positions = [html.index(f'data-change="{pk}"') for pk in pks]
    assert positions == sorted(positions)


def test_history_lists_decided_changes(client_as, chamber, member, representative, secretary):
    kept = propose(chamber, member.enterprise, representative, employees=1)
    decided = propose(chamber, member.enterprise, representative, employees=2)
    client = client_as(secretary)
    client.post(url("approval_detail", chamber, pk=decided.pk), {"action": "reject", "note": "不对"})
    pending_html = client.get(url("approvals", chamber)).content.decode()
    history_html = client.get(url("approvals", chamber) + "?show=history").content.decode()
    assert f'data-change="{kept.pk}"' in pending_html and f'data-change="{decided.pk}"' not in pending_html
    assert f'data-change="{decided.pk}" data-status="rejected"' in history_html
    assert f'data-change="{kept.pk}"' not in history_html


def test_detail_shows_the_diff_and_what_changed_since(client_as, chamber, member, change, secretary):
    with scope(chamber=chamber):
        enterprise_update(enterprise=Enterprise.objects.get(pk=member.enterprise_id), actor=secretary,
                          address="人民路8号")
    response = client_as(secretary).get(url("approval_detail", chamber, pk=change.pk))
    assert response.status_code == 200
    html = response.content.decode()
    rows = {row.field: row for row in response.context["rows"]}
    assert set(rows) == {"address", "employees"}
    assert (rows["address"].before, rows["address"].proposed, rows["address"].current) == ("", "星湖街1号", "人民路8号")
    assert 'data-field="address" class="changed-since" data-changed-since="true"' in html
    assert 'data-field="employees">' in html  # unchanged since: no warning on that row
    assert "人民路8号" in html and "星湖街1号" in html and 'data-warning="changed-since"' in html
    assert 'value="approve"' in html and 'value="reject"' in html


def test_approve_applies_and_audits_with_the_approver(client_as, chamber, member, change, secretary):
    response = client_as(secretary).post(url("approval_detail", chamber, pk=change.pk), {"action": "approve"})
    assert response.status_code == 302 and response["Location"] == url("approvals", chamber)
    with scope(chamber=chamber):
        enterprise = Enterprise.objects.get(pk=member.enterprise_id)
        entry = AuditEntry.objects.get(target_type="members.enterprise", action="update")
        stored = SelfServiceChange.objects.get(pk=change.pk)
    assert (enterprise.address, enterprise.employees) == ("星湖街1号", 88)
    assert entry.actor == secretary and f"#{change.pk}" in entry.reason
    assert (stored.status, stored.decided_by) == ("approved", secretary)
    # Decided: the page still opens (from the history) but offers no buttons.
    html = client_as(secretary).get(url("approval_detail", chamber, pk=change.pk)).content.decode()
    assert 'data-status="approved"' in html and 'value="approve"' not in html


def test_second_approval_is_refused_without_applying_again(client_as, chamber, member, change, secretary, admin_user):
    client_as(secretary).post(url("approval_detail", chamber, pk=change.pk), {"action": "approve"})
    response = client_as(admin_user).post(url("approval_detail", chamber, pk=change.pk), {"action": "approve"})
    assert response.status_code == 200
    assert 'class="alert alert-danger"' in response.content.decode()
    with scope(chamber=chamber):
        assert AuditEntry.objects.filter(target_type="members.enterprise", action="update").count() == 1
        assert SelfServiceChange.objects.get(pk=change.pk).decided_by == secretary


def test_reject_needs_a_note_and_keeps_the_record(client_as, chamber, member, change, secretary):
    client = client_as(secretary)
    page = url("approval_detail", chamber, pk=change.pk)
    response = client.post(page, {"action": "reject", "note": ""})
    assert response.status_code == 200 and 'id="id_note_error"' in response.content.decode()
    with scope(chamber=chamber):
        assert SelfServiceChange.objects.get(pk=change.pk).status == "pending"
    assert client.post(page, {"action": "reject", "note": "地址有误"}).status_code == 302
    with scope(chamber=chamber):
        stored = SelfServiceChange.objects.get(pk=change.pk)
        enterprise = Enterprise.objects.get(pk=member.enterprise_id)
    assert (stored.status, stored.decision_note) == ("rejected", "地址有误")
    assert (enterprise.address, enterprise.employees) == ("", None)


def test_unknown_action_is_an_error_not_a_500(client_as, chamber, change, secretary):
    response = client_as(secretary).post(url("approval_detail", chamber, pk=change.pk), {"action": "delete"})
    assert response.status_code == 200
    with scope(chamber=chamber):
        assert SelfServiceChange.objects.get(pk=change.pk).status == "pending"


def test_branch_secretary_sees_and_decides_only_within_reach(client_as, chamber, change, far_change, branch_secretary):
    client = client_as(branch_secretary)
    html = client.get(url("approvals", chamber)).content.decode()
    assert f'data-change="{change.pk}"' in html and f'data-change="{far_change.pk}"' not in html
    assert 'data-count="1"' in html
    assert client.get(url("approval_detail", chamber, pk=far_change.pk)).status_code == 404
    assert client.post(url("approval_detail", chamber, pk=far_change.pk), {"action": "approve"}).status_code == 404
    assert client.post(url("approval_detail", chamber, pk=change.pk), {"action": "approve"}).status_code == 302
    with scope(chamber=chamber):
        assert SelfServiceChange.objects.get(pk=far_change.pk).status == "pending"
        assert SelfServiceChange.objects.get(pk=change.pk).status == "approved"


def test_figures_and_contact_changes_show_their_fields(client_as, chamber, member, representative, secretary):
    figures = propose(chamber, member.enterprise, representative, SelfServiceKind.FIGURES,
                      year=2024, revenue=Decimal("1234.5"), tax_paid=None, employees=9)
    added = propose(chamber, member.enterprise, representative, SelfServiceKind.CONTACT_ADD,
                    name="李四", mobile="13900001111", title="财务", is_primary=True)
    client = client_as(secretary)
    html = client.get(url("approval_detail", chamber, pk=figures.pk)).content.decode()
    assert 'data-field="revenue"' in html and "¥1,234.50" in html
    html = client.get(url("approval_detail", chamber, pk=added.pk)).content.decode()
    assert 'data-field="mobile"' in html and "13900001111" in html and 'data-changed-since' not in html
