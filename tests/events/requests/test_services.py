"""Request and visit services: transitions (and refused ones, in Chinese), notes required,
closed_on set and cleared, assignment rules, rating rules, typical cases, branch reach."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django_scopes import scope

from chamber.access import access_for_user
from chamber.audit import AuditEntry
from events.models import MemberRequest, RequestNote, Visit
from events.services.requests import (
    DEFAULT_DUE_DAYS,
    request_assign,
    request_mark_typical,
    request_move,
    request_note_add,
    request_raise_by_member,
    request_rate,
)
from events.services.visits import visit_record

from .conftest import TODAY


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def test_create_defaults_due_date_and_audits(chamber, member, raise_request):
    request = raise_request(member)
    assert request.status == "new" and request.due_on == TODAY + datetime.timedelta(days=DEFAULT_DUE_DAYS)
    with scope(chamber=chamber):
        assert AuditEntry.objects.filter(chamber=chamber, target_id=str(request.pk), action="create").exists()


@pytest.mark.parametrize("field, value", [("title", "  "), ("description", ""), ("category", "weather"),
                                          ("due_on", TODAY - datetime.timedelta(days=1))])
def test_create_refuses_bad_input(member, raise_request, field, value):
    with pytest.raises(ValidationError) as exc:
        raise_request(member, **{field: value})
    assert field in exc.value.message_dict


def test_create_refuses_assignees_without_the_capability(member, raise_request, treasurer, outsider, secretary,
                                                         officer):
    for user in (treasurer, outsider):
        with pytest.raises(ValidationError) as exc:
            raise_request(member, assignee=user)
        assert "处理诉求" in exc.value.message_dict["assignee"][0]
    request = raise_request(member, assignee=secretary, assignee_officer=officer)
    assert request.assignee == secretary and request.assignee_officer == officer


def test_another_chambers_member_or_officer_is_refused(chamber, other_chamber, raise_request, secretary, member):
    from members.models import Membership
    from events.services.requests import request_create

    with scope(chamber=other_chamber):
        theirs = Membership.objects.get(chamber=other_chamber)
    with scope(chamber=chamber), pytest.raises(ValidationError) as exc:
        request_create(chamber=chamber, actor=secretary, membership=theirs, category="legal", title="x",
                       description="y")
    assert "membership" in exc.value.message_dict


def test_transitions_write_notes_and_set_closed_on(chamber, member, raise_request, move):
    request = raise_request(member)
    move(request, "in_progress", "已联系银行")
    move(request, "resolved", "银行已放贷")
    assert request.closed_on == TODAY
    move(request, "in_progress", "企业反映尚未到账，重新处理")
    request.refresh_from_db()
    assert request.status == "in_progress" and request.closed_on is None
    with scope(chamber=chamber):
        notes = list(RequestNote.objects.filter(request=request).values_list("status_from", "status_to", "text"))
        assert notes == [("new", "in_progress", "已联系银行"), ("in_progress", "resolved", "银行已放贷"),
                         ("resolved", "in_progress", "企业反映尚未到账，重新处理")]
        assert AuditEntry.objects.filter(chamber=chamber, target_id=str(request.pk), action="status").count() == 3


def test_refused_moves_say_why_in_chinese(member, raise_request, move):
    request = raise_request(member)
    with pytest.raises(ValidationError) as exc:
        move(request, "new")
    assert "已经是" in exc.value.message_dict["status"][0]
    move(request, "unresolvable", "政策不允许")
    assert request.closed_on == TODAY
    with pytest.raises(ValidationError) as exc:
        move(request, "resolved")
    assert "不能从" in exc.value.message_dict["status"][0]
    with pytest.raises(ValidationError) as exc:
        move(request, "flying")
    assert "status" in exc.value.message_dict


def test_every_move_needs_a_note(member, raise_request, move):
    request = raise_request(member)
    with pytest.raises(ValidationError) as exc:
        move(request, "in_progress", "   ")
    assert "note" in exc.value.message_dict
    request.refresh_from_db()
    assert request.status == "new"


def test_assign_checks_and_writes_a_note(chamber, member, raise_request, secretary, admin_user, move):
    request = raise_request(member)
    with scope(chamber=chamber):
        request_assign(request=request, actor=secretary, assignee=admin_user,
                       due_on=TODAY + datetime.timedelta(days=3))
        assert RequestNote.objects.filter(request=request).count() == 1
        with pytest.raises(ValidationError):
            request_assign(request=request, actor=secretary, assignee=admin_user,
                           due_on=TODAY - datetime.timedelta(days=3))
    move(request, "resolved", "已办结")
    with scope(chamber=chamber), pytest.raises(ValidationError):
        request_assign(request=request, actor=secretary, assignee=secretary)


def test_rating_only_by_own_representative_once_closed(chamber, member, raise_request, move, representative,
                                                       display_representative, secretary):
    request = raise_request(member)
    with scope(chamber=chamber):
        with pytest.raises(ValidationError) as exc:
            request_rate(request=request, user=representative, rating=5)
        assert "办结" in exc.value.message_dict["rating"][0] or "rating" in exc.value.message_dict
    move(request, "resolved", "已办结")
    with scope(chamber=chamber):
        for user in (display_representative, secretary):
            with pytest.raises(PermissionDenied):
                request_rate(request=request, user=user, rating=5)
        for bad in (0, 6, "abc", None):
            with pytest.raises(ValidationError):
                request_rate(request=request, user=representative, rating=bad)
        request_rate(request=request, user=representative, rating=4, comment="很及时")
        request_rate(request=request, user=representative, rating=5)  # may change it
        request.refresh_from_db()
        assert request.rating == 5


def test_typical_needs_a_closed_request_and_a_summary(chamber, member, raise_request, move, secretary):
    request = raise_request(member)
    with scope(chamber=chamber), pytest.raises(ValidationError) as exc:
        request_mark_typical(request=request, actor=secretary, is_typical=True, summary="协调银行放贷")
    assert "is_typical" in exc.value.message_dict
    move(request, "resolved", "已办结")
    with scope(chamber=chamber):
        with pytest.raises(ValidationError) as exc:
            request_mark_typical(request=request, actor=secretary, is_typical=True, summary=" ")
        assert "summary" in exc.value.message_dict
        request_mark_typical(request=request, actor=secretary, is_typical=True, summary="协调银行放贷500万元")
        assert MemberRequest.objects.get(pk=request.pk).is_typical
        request_mark_typical(request=request, actor=secretary, is_typical=False)
        assert not MemberRequest.objects.get(pk=request.pk).is_typical


def test_member_raises_and_notes_from_the_portal(chamber, member, representative, display_representative):
    with scope(chamber=chamber):
        request = request_raise_by_member(enterprise=member.enterprise, user=representative, category="land",
                                          title="厂房用地指标", description="扩产需要新增用地。")
        assert request.source == "portal" and request.membership == member and request.raised_by == representative
        note = request_note_add(request=request, actor=representative, text="补充材料已上传", by_member=True)
        assert note.by_member and "苏州光电缆有限公司" in note.author_label
        with pytest.raises(PermissionDenied):
            request_note_add(request=request, actor=display_representative, text="x", by_member=True)
        with pytest.raises(PermissionDenied):
            request_raise_by_member(enterprise=member.enterprise, user=display_representative, category="land",
                                    title="x", description="y")


def test_branch_secretary_acts_within_the_subtree_only(chamber, member, display_member, raise_request,
                                                       branch_secretary):
    with scope(chamber=chamber):
        access = access_for_user(chamber, branch_secretary)
    ours = raise_request(member, actor=branch_secretary, access=access)
    with pytest.raises(ValidationError) as exc:
        raise_request(display_member, actor=branch_secretary, access=access)
    assert "membership" in exc.value.message_dict
    theirs = raise_request(display_member)
    with scope(chamber=chamber):
        request_move(request=ours, actor=branch_secretary, access=access, status="in_progress", note="已受理")
        with pytest.raises(PermissionDenied):
            request_move(request=theirs, actor=branch_secretary, access=access, status="in_progress", note="x")


def test_read_only_staff_cannot_write(chamber, member, raise_request, staff_readonly):
    with scope(chamber=chamber):
        access = access_for_user(chamber, staff_readonly)
    with pytest.raises(PermissionDenied):
        raise_request(member, actor=staff_readonly, access=access)


def test_a_visit_records_its_requests_or_nothing(chamber, member, secretary, officer):
    row = {"category": "labour", "title": "招工难", "description": "一线工人缺口50人。"}
    with scope(chamber=chamber):
        visit = visit_record(chamber=chamber, actor=secretary, membership=member, visited_on=TODAY,
                             visitors="秘书长 王明", officer=officer, requests=[row, dict(row, title="社保政策")])
        assert list(visit.requests.values_list("source", flat=True)) == ["visit", "visit"]
        with pytest.raises(ValidationError) as exc:
            visit_record(chamber=chamber, actor=secretary, membership=member, visited_on=TODAY, visitors="王明",
                         requests=[row, dict(row, title="")])
        assert "第2条" in exc.value.message_dict["requests"][0]
        assert Visit.objects.filter(chamber=chamber).count() == 1
        with pytest.raises(ValidationError) as exc:
            visit_record(chamber=chamber, actor=secretary, membership=member,
                         visited_on=TODAY + datetime.timedelta(days=1), visitors="王明")
        assert "visited_on" in exc.value.message_dict
