"""`manage.py seed_demo`: valid, complete, and idempotent demo data.

The command runs twice; the second run must create nothing and change nothing except
what it documents: the demo users' passwords are reset, and the demo API key is rotated
(the old key revoked, a new one created: +1 ApiKey, +2 audit entries).
"""
import datetime
import io
import re

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db import transaction
from django_scopes import scope, scopes_disabled

from branches.models import Branch
from chamber import demo
from chamber.models import ApiKey, AuditEntry, Chamber, Role
from chamber.validators import (
    normalize_id_number,
    normalize_industry_code,
    normalize_mobile,
    normalize_uscc,
    validate_division_code,
)
from members.models import Enterprise, Membership, MembershipKind, MembershipStatus, Person, Term
from members.selectors import term_charter_warnings, term_current

pytestmark = pytest.mark.django_db

KEY_RE = re.compile(r"ck_[0-9a-f]{8}\.[A-Za-z0-9_\-]+")


def _seed(**options):
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def _row_counts():
    with scopes_disabled():
        return {
            model._meta.label: model._default_manager.count()
            for model in apps.get_models()
            if model._meta.managed and not model._meta.proxy
        }


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker):
    """Seed once for the module (seeding takes seconds), inside a transaction rolled back
    at the end; each test runs in its own savepoint within it, so tests that seed again
    leave nothing behind for the next one."""
    with django_db_blocker.unblock(), transaction.atomic():
        output = _seed()
        yield output
        transaction.set_rollback(True)


@pytest.fixture
def seeded(_seeded_once, db):
    return _seeded_once


def test_second_run_creates_nothing_but_a_new_api_key(seeded):
    first_key = KEY_RE.search(seeded).group(0)
    before = _row_counts()
    with scopes_disabled():
        users_before = {u.username: u.pk for u in get_user_model().objects.all()}
        enterprises_before = {e.pk: (e.name, e.uscc, e.updated_at) for e in Enterprise.objects.all()}
        memberships_before = {m.pk: (m.status, m.rank_id, m.updated_at) for m in Membership.objects.all()}

    output = _seed()

    after = _row_counts()
    changed = {label: after[label] - before[label] for label in after if after[label] != before[label]}
    # Documented: the old demo key is revoked and a new one created, each audited.
    assert changed == {"chamber.ApiKey": 1, "chamber.AuditEntry": 2}
    assert "created: nothing new" in output
    with scopes_disabled():
        assert {u.username: u.pk for u in get_user_model().objects.all()} == users_before
        assert {e.pk: (e.name, e.uscc, e.updated_at) for e in Enterprise.objects.all()} == enterprises_before
        assert {m.pk: (m.status, m.rank_id, m.updated_at) for m in Membership.objects.all()} == memberships_before
        keys = ApiKey.objects.filter(name=demo.API_KEY_NAME).order_by("pk")
        assert [k.is_active for k in keys] == [False, True]
        assert list(AuditEntry.objects.order_by("-pk").values_list("action", flat=True)[:2]) == ["create", "revoke"]

    second_key = KEY_RE.search(output).group(0)
    assert second_key != first_key
    active = keys.last()
    assert active.digest == ApiKey.digest_of(second_key)
    assert active.chamber.slug == demo.API_KEY_CHAMBER
    assert f'curl -H "Authorization: Api-Key {second_key}" http://127.0.0.1:8000/api/v1/chambers/sz-optical/members/' in output


def test_identifiers_are_valid(seeded):
    with scopes_disabled():
        chambers = list(Chamber.objects.all())
        enterprises = list(Enterprise.objects.all())
        people = list(Person.objects.all())
    assert len(enterprises) > 80 and len(people) > 150
    for chamber in chambers:
        if chamber.uscc:
            assert normalize_uscc(chamber.uscc) == chamber.uscc
        validate_division_code(chamber.division_code)
    for enterprise in enterprises:
        assert normalize_uscc(enterprise.uscc) == enterprise.uscc, enterprise.name
        assert normalize_industry_code(enterprise.industry_code) == enterprise.industry_code, enterprise.name
        validate_division_code(enterprise.division_code)
        enterprise.full_clean(exclude=["chamber"], validate_constraints=False)
    with_id = [p for p in people if p.id_number]
    assert len(with_id) > 40
    for person in people:
        assert normalize_mobile(person.mobile) == person.mobile, person.name
        if person.id_number:
            assert normalize_id_number(person.id_number) == person.id_number, person.name
            # 17th digit: odd for men, even for women.
            assert person.gender == ("male" if int(person.id_number[16]) % 2 else "female")
            assert person.birth_date == datetime.date(
                int(person.id_number[6:10]), int(person.id_number[10:12]), int(person.id_number[12:14]))
        person.full_clean(exclude=["chamber", "user"], validate_constraints=False)


def test_demo_users_sign_in_and_hold_their_roles(seeded):
    expected = {}
    for username, kind, slug, branch_code in demo.DEMO_USERS:
        expected.setdefault(username, set()).add((kind, slug, branch_code))
    assert set(expected) == {"demo-admin", "demo-secretary", "demo-branch", "demo-treasurer", "demo-reviewer", "demo-member"}
    for username, roles in expected.items():
        user = authenticate(username=username, password=demo.DEFAULT_PASSWORD)
        assert user is not None, username
        with scopes_disabled():
            held = {(r.kind, r.chamber.slug, r.branch.code if r.branch else None)
                    for r in Role.objects.filter(user=user).select_related("chamber", "branch")}
        assert held == roles, username
    admin_chambers = {slug for _u, _k, slug, _b in demo.DEMO_USERS if _u == "demo-admin"}
    assert admin_chambers == {"sz-optical", "tancheng", "sh-tancheng", "zj-sichuan"}

    # The branch secretary sits at the cable branch; the representative may edit only their enterprise.
    with scopes_disabled():
        branch_role = Role.objects.get(user__username="demo-branch")
        assert branch_role.branch.name == "光电线缆分会"
        member = get_user_model().objects.get(username="demo-member")
        own = Enterprise.objects.get(chamber__slug="sz-optical", name=demo.REPRESENTED_ENTERPRISE[1])
        other = Enterprise.objects.filter(chamber__slug="sz-optical").exclude(pk=own.pk).first()
        assert member.has_perm("members.change_enterprise", own)
        assert not member.has_perm("members.change_enterprise", other)
        assert Person.objects.filter(user=member, contacts__enterprise=own).exists()


def test_rerun_resets_passwords(seeded):
    _seed(password="another-demo-pass-42")
    assert authenticate(username="demo-admin", password=demo.DEFAULT_PASSWORD) is None
    assert authenticate(username="demo-admin", password="another-demo-pass-42") is not None


def test_tancheng_federation_and_its_chambers(seeded):
    federation = Chamber.objects.get(slug="tancheng")
    shanghai = Chamber.objects.get(slug="sh-tancheng")
    assert federation.kind == "federation"
    assert shanghai.kind == "out_of_town"
    assert shanghai.name == "上海郯城商会"
    assert shanghai.supervising_federation == federation
    with scope(chamber=federation):
        out_of_town = set(Branch.objects.filter(chamber=federation, kind="out_of_town").values_list("name", flat=True))
        assert out_of_town == {"上海郯城商会", "深圳郯城商会", "青岛郯城商会", "苏州郯城商会", "海宁郯城商会"}
        kinds = set(Branch.objects.filter(chamber=federation).values_list("kind", flat=True))
        assert {"industry", "township", "out_of_town"} <= kinds


def test_tancheng_star_rating_is_at_the_inspection_stage(seeded):
    """The demo federation's campaign is under way, with work left for demo-reviewer."""
    from evaluations.models import Campaign, Rating, SchemeVersion, ScoreSheet, SubmissionStatus
    from evaluations.selectors import reviewer_submission_ids

    federation = Chamber.objects.get(slug="tancheng")
    reviewer = get_user_model().objects.get(username="demo-reviewer")
    with scope(chamber=federation):
        campaign = Campaign.objects.get(chamber=federation, name="2026年度星级基层商会考评")
        assert campaign.stage == "inspection" and campaign.version.is_frozen
        assert SchemeVersion.objects.filter(chamber=federation).count() == 5  # the starter rubrics
        statuses = list(campaign.submissions.values_list("status", flat=True))
        assert statuses.count(SubmissionStatus.SCORED) >= 1 and statuses.count(SubmissionStatus.PASSED) >= 1
        assigned = set(reviewer_submission_ids(user=reviewer).values_list("content_object_id", flat=True))
        scored_by_reviewer = set(ScoreSheet.objects.filter(reviewer=reviewer, submitted_at__isnull=False)
                                 .values_list("submission_id", flat=True))
        assert assigned - scored_by_reviewer, "demo-reviewer should have a sheet still to score"
        assert Rating.objects.filter(chamber=federation).count() == 2
        # The affiliated chamber takes part from its own workspace.
        assert campaign.submissions.filter(subject_chamber__slug="sh-tancheng").exists()


def test_optical_chamber(seeded):
    chamber = Chamber.objects.get(slug="sz-optical")
    assert chamber.name == "苏州市光电产业商会"
    assert chamber.division_code == "320500"
    with scope(chamber=chamber):
        branches = set(Branch.objects.filter(chamber=chamber, kind="branch").values_list("code", "name"))
        assert branches == {("CABLE", "光电线缆分会"), ("COMM", "光电通信分会"),
                            ("DEVICE", "光电器件分会"), ("DISPLAY", "光电显示分会")}
        statuses = set(Membership.objects.filter(chamber=chamber).values_list("status", flat=True))
        assert statuses == {"active", "applied", "suspended", "lapsed", "left"}
        assert Membership.objects.filter(chamber=chamber).count() >= 40
        # The current term is in force on the demo date and ends soon; its line-up is charter-clean.
        term = term_current(chamber=chamber, on=datetime.date(2026, 11, 24))
        assert term.ordinal == Term.objects.filter(chamber=chamber).order_by("-ordinal").first().ordinal
        assert term.starts_on <= datetime.date(2026, 11, 24) <= term.ends_on <= datetime.date(2026, 12, 31)
        assert term_charter_warnings(term=term) == []
        assert term.rotating_chairs.exists()
        assert term.positions.filter(post="president").count() == 1


def test_sichuan_chamber_committees_and_group_members(seeded):
    chamber = Chamber.objects.get(slug="zj-sichuan")
    with scope(chamber=chamber):
        committees = Branch.objects.filter(chamber=chamber, kind="committee")
        assert committees.count() == 3
        groups = Membership.objects.filter(chamber=chamber, kind=MembershipKind.GROUP).select_related("enterprise")
        assert groups.count() == 8
        assert all(m.enterprise.uscc.startswith("51") and m.enterprise.name.endswith("四川商会") for m in groups)
        assert Membership.objects.filter(chamber=chamber, kind=MembershipKind.ENTERPRISE,
                                         status=MembershipStatus.ACTIVE).count() >= 10
        assert Membership.objects.filter(chamber=chamber, kind=MembershipKind.INDIVIDUAL).exists()


def test_money_is_seeded_and_reconciles(seeded):
    """Each chamber (not the federation) has two years of dues in every state and charity
    donations; every balance equals its entries."""
    from charity.models import Donation
    from members.models import DuesEntry, DuesInvoice

    call_command("money_reconcile", stdout=io.StringIO())
    with scopes_disabled():
        optical = Chamber.objects.get(slug="sz-optical")
        invoices = DuesInvoice.objects.filter(chamber=optical)
        assert invoices.values("year").distinct().count() == 2
        kinds = set(DuesEntry.objects.filter(chamber=optical).values_list("kind", flat=True))
        assert kinds == {"settlement", "write_off", "reversal"}
        assert any(i.outstanding == i.amount for i in invoices) and any(i.outstanding == 0 for i in invoices)
        assert Donation.objects.filter(chamber=optical).exists()
        assert not DuesInvoice.objects.filter(chamber__kind="federation").exists()
        treasurer = get_user_model().objects.get(username="demo-treasurer")
        assert DuesEntry.objects.filter(chamber=optical, created_by=treasurer).exists()


def test_events_and_requests_are_seeded(seeded):
    """The optical chamber has a council meeting with attendance and resolutions, held events
    with outcomes, an open seminar with a waiting list, and requests in several states."""
    from events.models import EventOutcome, MeetingAttendance, MemberRequest, Registration, Resolution
    from events.selectors.meetings import quorum

    with scopes_disabled():
        optical = Chamber.objects.get(slug="sz-optical")
        from events.models import Event

        council = Event.objects.get(chamber=optical, kind="council")
        assert MeetingAttendance.objects.filter(event=council).exists()
        assert Resolution.objects.filter(event=council).count() == 2
        assert quorum(council).reached
        assert EventOutcome.objects.filter(chamber=optical, deals_amount__gt=0).exists()
        seminar = Event.objects.get(chamber=optical, kind="policy_briefing")
        assert Registration.objects.filter(event=seminar, status="waitlisted").count() == 2
        statuses = set(MemberRequest.objects.filter(chamber=optical).values_list("status", flat=True))
        assert {"resolved", "in_progress", "new"} <= statuses
        assert MemberRequest.objects.filter(chamber=optical, is_typical=True).count() == 1
