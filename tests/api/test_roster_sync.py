"""The roster change feed (GET members/changes/): a first sync pages through everything,
the next returns exactly what changed (and what was deleted), the settle window re-sends
late commits, and reach, bad cursors and query counts hold."""
import base64
import dataclasses
import datetime
import json

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_scopes import scope
from drf_spectacular.generators import SchemaGenerator

from members.models import (
    Enterprise,
    Membership,
    MembershipBranch,
    MembershipKind,
    MembershipRemoval,
    MembershipStatus,
    Rank,
)
from members.services import (
    contact_add,
    contact_remove,
    enterprise_create,
    enterprise_update,
    membership_change_rank,
    membership_change_status,
    membership_create,
    membership_set_branches,
    person_create,
    person_update,
)
from members.sync import FEED_DEFAULT_LIMIT, FEED_MAX_LIMIT, cursor_decode, feed_limit

from ..factories import make_mobile, make_uscc

SETTLE = datetime.timedelta(seconds=settings.ROSTER_SYNC_SETTLE_SECONDS)
LONG_AGO = datetime.timedelta(hours=1)


def rank(chamber, code):
    return Rank.objects.get(chamber=chamber, code=code)


def add_member(chamber, n, branches=(), kind=MembershipKind.ENTERPRISE):
    """A member numbered GD-1nn (an enterprise, or an individual)."""
    if kind == MembershipKind.INDIVIDUAL:
        person = person_create(chamber=chamber, actor=None, name=f"个人会员{n:02d}", mobile=make_mobile(n))
        return membership_create(chamber=chamber, actor=None, kind=kind, person=person, rank=rank(chamber, "member"),
                                 branches=branches, status=MembershipStatus.ACTIVE, member_number=f"GD-{100 + n}")
    enterprise = enterprise_create(chamber=chamber, actor=None, name=f"苏州同步测试{n:02d}有限公司", uscc=make_uscc(300000 + n))
    return membership_create(chamber=chamber, actor=None, kind=kind, enterprise=enterprise, rank=rank(chamber, "member"),
                             branches=branches, status=MembershipStatus.ACTIVE, member_number=f"GD-{100 + n}")


def age_all(chamber, by=LONG_AGO):
    """Every member last changed `by` ago (older than the settle window)."""
    with scope(chamber=chamber):
        Membership.objects.filter(chamber=chamber).update(updated_at=timezone.now() - by)


@pytest.fixture
def roster(chamber, branches, member):
    """Seven members changed an hour ago: the fixture member (cable_sub), five in display,
    one individual in cable."""
    with scope(chamber=chamber):
        others = [add_member(chamber, n, [branches["display"]]) for n in range(5)]
        individual = add_member(chamber, 9, [branches["cable"]], kind=MembershipKind.INDIVIDUAL)
    age_all(chamber)
    return [member, *others, individual]


def feed(client, url, cursor=None, **params):
    if cursor:
        params["cursor"] = cursor
    response = client.get(url("members/changes/"), params)
    assert response.status_code == 200, response.content
    return response.json()


def sync(client, url, cursor=None, limit=100):
    """Page until has_more is false: (change ids in order, removed ids, final cursor, pages)."""
    changes, removed, pages = [], [], 0
    while True:
        body = feed(client, url, cursor, limit=limit)
        pages += 1
        changes += [row["id"] for row in body["changes"]]
        removed += [row["id"] for row in body["removed"]]
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return changes, removed, cursor, pages
        assert pages < 50


def test_first_sync_pages_through_everything(api, url, api_key, roster):
    client = api.as_key(api_key[1])
    first = feed(client, url, limit=3)
    assert first["has_more"] is True and len(first["changes"]) == 3 and first["removed"] == []
    changes, removed, cursor, pages = sync(client, url, limit=3)
    assert pages == 3  # 3 + 3 + 1
    assert changes == [m.pk for m in roster]  # all at the same time: by id
    assert removed == []
    # Each row is the roster list's own representation.
    listed = {row["id"]: row for row in client.get(url("members/"), {"page_size": 50}).json()["results"]}
    body = feed(client, url, limit=100)
    assert body["changes"] == [listed[m.pk] for m in roster]
    # Nothing changed since: the next sync is empty.
    assert sync(client, url, cursor)[:2] == ([], [])


def test_next_sync_returns_exactly_what_changed(api, url, api_key, chamber, roster):
    client = api.as_key(api_key[1])
    *_, cursor, _pages = sync(client, url)
    ranked, moved, leaving, deleted = roster[1], roster[2], roster[3], roster[4]
    with scope(chamber=chamber):
        membership_change_rank(membership=ranked, actor=None, rank=rank(chamber, "council"), reason="换届调整")
        enterprise_update(enterprise=Enterprise.objects.get(pk=moved.enterprise_id), actor=None, address="苏州工业园区星湖街 1 号")
        membership_change_status(membership=leaving, actor=None, status=MembershipStatus.LEFT, reason="自愿退会")
        Membership.objects.filter(pk=deleted.pk).delete()

    body = feed(client, url, cursor)
    by_id = {row["id"]: row for row in body["changes"]}
    assert sorted(by_id) == sorted([ranked.pk, moved.pk, leaving.pk])
    assert by_id[ranked.pk]["rank"]["code"] == "council"
    assert by_id[moved.pk]["enterprise"]["address"] == "苏州工业园区星湖街 1 号"
    assert by_id[leaving.pk]["status"] == "left" and by_id[leaving.pk]["left_on"]
    assert body["removed"] == [{"id": deleted.pk, "member_number": deleted.member_number, "name": deleted.name,
                                "removed_at": body["removed"][0]["removed_at"]}]
    assert body["has_more"] is False


def test_the_settle_window_sends_late_commits_again(api, url, api_key, chamber, roster):
    client = api.as_key(api_key[1])
    now = timezone.now()
    recent, older = roster[1], roster[2]
    with scope(chamber=chamber):
        Membership.objects.filter(pk=recent.pk).update(updated_at=now - SETTLE + datetime.timedelta(seconds=60))
    changes, _removed, cursor, _pages = sync(client, url)
    assert changes[-1] == recent.pk
    # The final cursor stays at now - settle, before the recent row ...
    bound = cursor_decode(cursor).changes.at
    assert bound <= timezone.now() - SETTLE and bound < now - SETTLE + datetime.timedelta(seconds=60)
    # ... so a row that became visible late, with a time just before the last row sent but
    # after the bound (its transaction committed after the sync), is read next time, and
    # the recent row comes again (at least once).
    with scope(chamber=chamber):
        Membership.objects.filter(pk=older.pk).update(updated_at=now - SETTLE + datetime.timedelta(seconds=30))
    assert sync(client, url, cursor)[0] == [older.pk, recent.pk]


def test_a_run_abandoned_midway_resumes_from_its_floor(api, url, api_key, chamber, roster):
    """A cursor from a middle page keeps its run's floor: a client that stopped there and
    resumes hours later still gets a row that committed late behind the page it stopped at."""
    client = api.as_key(api_key[1])
    now = timezone.now()
    with scope(chamber=chamber):
        for n, membership in enumerate(roster):
            Membership.objects.filter(pk=membership.pk).update(updated_at=now - datetime.timedelta(seconds=60 - n))
    middle = cursor_decode(feed(client, url, limit=4)["next_cursor"])
    assert middle.floor <= now - SETTLE < middle.changes.at  # the page's own position is past the bound
    # Two hours pass: the run's floor is then that far behind (moved back instead of the clock),
    # and a row changed an hour ago, behind the position, becomes visible only now.
    resumed = dataclasses.replace(middle, floor=middle.floor - datetime.timedelta(hours=2))
    with scope(chamber=chamber):
        Membership.objects.filter(pk=roster[0].pk).update(updated_at=now - datetime.timedelta(hours=1))
    changes, _removed, cursor, _pages = sync(client, url, resumed.encode())
    assert changes == [m.pk for m in roster[4:]]
    assert roster[0].pk in sync(client, url, cursor)[0]  # not lost: the run ended at its floor


def test_removals_and_reach_of_a_branch_secretary(api, url, api_key, chamber, roster, branch_secretary, admin_user):
    with scope(chamber=chamber):
        outside, inside = roster[1], roster[6]  # display; cable
        Membership.objects.filter(pk__in=[outside.pk, inside.pk]).delete()
        Membership.objects.filter(pk=roster[2].pk).update(updated_at=timezone.now())  # display: changed
    client = api.as_user(branch_secretary)
    changes, removed, *_ = sync(client, url)
    assert changes == [roster[0].pk]  # cable_sub only; display members are out of reach
    assert removed == [inside.pk]
    changes, removed, *_ = sync(api.as_user(admin_user), url)
    assert sorted(removed) == sorted([outside.pk, inside.pk])
    assert set(changes) == {m.pk for m in roster} - {outside.pk, inside.pk}


@pytest.mark.parametrize("cursor", [
    "not a cursor!",
    base64.urlsafe_b64encode(b"[1, 2]").decode(),
    base64.urlsafe_b64encode(json.dumps({"v": 9, "m": [None, 0], "r": [None, 0]}).encode()).decode(),
    base64.urlsafe_b64encode(json.dumps({"v": 1, "m": ["yesterday", 0], "r": [None, 0]}).encode()).decode(),
    base64.urlsafe_b64encode(json.dumps({"v": 1, "m": ["2025-01-01T00:00:00", 0], "r": [None, 0]}).encode()).decode(),
    base64.urlsafe_b64encode(json.dumps({"v": 1, "m": [None, "x"], "r": [None, 0]}).encode()).decode(),
])
def test_a_bad_cursor_is_400(api, url, api_key, member, cursor):
    response = api.as_key(api_key[1]).get(url("members/changes/"), {"cursor": cursor}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "cursor" in response.json() and "not valid" in response.json()["cursor"][0]


def test_a_bad_limit_is_400_and_a_large_one_is_capped(api, url, api_key, member):
    client = api.as_key(api_key[1])
    assert client.get(url("members/changes/"), {"limit": "many"}).status_code == 400
    assert client.get(url("members/changes/"), {"limit": "0"}).status_code == 400
    assert client.get(url("members/changes/"), {"limit": "100000"}).status_code == 200
    assert feed_limit("100000") == FEED_MAX_LIMIT
    assert feed_limit(None) == FEED_DEFAULT_LIMIT


def test_who_may_read_the_feed(api, url, member, other_api_key, outsider, reviewer, staff_readonly, chamber):
    path = url("members/changes/")
    assert api.get(path).status_code == 401
    assert api.as_key(other_api_key[1]).get(path).status_code == 404
    assert api.as_user(outsider).get(path).status_code == 404
    assert api.as_user(reviewer).get(path).status_code == 403  # an insider without members.view
    assert api.as_user(staff_readonly).get(path).status_code == 200
    assert api.as_user(staff_readonly).post(path, {}).status_code == 403  # read-only: no write capability


def test_a_page_costs_the_same_queries_whatever_the_limit(api, url, chamber, branches, admin_user, django_assert_num_queries):
    with scope(chamber=chamber):
        members = [add_member(chamber, n, [branches["display"], branches["cable"]]) for n in range(60)]
        for n, member in enumerate(members[:10]):
            person = person_create(chamber=chamber, actor=None, name=f"联系人{n}", mobile=make_mobile(n))
            contact_add(enterprise=member.enterprise, person=person, actor=None, title="联络员")
        Membership.objects.filter(pk__in=[m.pk for m in members[-2:]]).delete()
    client = api.as_user(admin_user)
    for limit in (5, 50):
        # [chamber] [token] [roles]
        # the changed ids (updated_at, id)
        # the page's rows: membership + enterprise + person + rank (one JOIN)
        # branches of the page's memberships
        # contacts (+ person) of the page's enterprises
        # the removals
        with django_assert_num_queries(3 + 5):
            body = feed(client, url, limit=limit)
        assert len(body["changes"]) == limit and body["has_more"] and len(body["removed"]) == 2


def test_changes_on_related_rows_move_the_members_updated_at(chamber, branches, member):
    """What a roster row shows of the enterprise, person, contacts and branches counts as a
    change of the member; what it does not show leaves the member alone."""
    with scope(chamber=chamber):
        bystander = add_member(chamber, 1, [branches["display"]])
        individual = add_member(chamber, 2, kind=MembershipKind.INDIVIDUAL)
        contact_person = person_create(chamber=chamber, actor=None, name="刘联络", mobile=make_mobile(1))
        enterprise = Enterprise.objects.get(pk=member.enterprise_id)

        def moved(action):
            age_all(chamber)
            before = dict(Membership.objects.values_list("pk", "updated_at"))
            action()
            after = dict(Membership.objects.values_list("pk", "updated_at"))
            return {pk for pk in after if after[pk] != before[pk]}

        assert moved(lambda: enterprise_update(enterprise=enterprise, actor=None, legal_representative="赵法人")) == {member.pk}
        assert moved(lambda: enterprise_update(enterprise=enterprise, actor=None, name="苏州光电缆集团有限公司")) == {member.pk}
        assert moved(lambda: enterprise_update(enterprise=enterprise, actor=None, website="https://example.cn")) == set()
        assert moved(lambda: contact_add(enterprise=enterprise, person=contact_person, actor=None, title="经理")) == {member.pk}
        assert moved(lambda: person_update(person=contact_person, actor=None, mobile=make_mobile(2))) == {member.pk}
        assert moved(lambda: person_update(person=contact_person, actor=None, email="liu@example.cn")) == set()
        assert moved(lambda: person_update(person=individual.person, actor=None, mobile=make_mobile(3))) == {individual.pk}
        assert moved(lambda: person_update(person=individual.person, actor=None, name="改名会员")) == {individual.pk}
        assert moved(lambda: membership_set_branches(membership=member, actor=None, branches=[branches["display"]],
                                                     reason="调整")) == {member.pk}
        contact = enterprise.contacts.get(person=contact_person)
        assert moved(lambda: contact_remove(contact=contact, actor=None)) == {member.pk}
        assert bystander.pk not in Membership.objects.filter(updated_at__gt=timezone.now() - LONG_AGO).values_list("pk", flat=True)


def test_every_deleted_membership_leaves_a_note(chamber, branches, member):
    with scope(chamber=chamber):
        paths = list(MembershipBranch.objects.filter(membership=member).values_list("branch__path", flat=True))
        with pytest.raises(RuntimeError), transaction.atomic():
            Membership.objects.filter(pk=member.pk).delete()
            raise RuntimeError  # rolled back: the member stays, and no note is left
        assert not MembershipRemoval.objects.exists()
        Membership.objects.filter(pk=member.pk).delete()
        note = MembershipRemoval.objects.get()
    assert (note.membership_id, note.member_number, note.name) == (member.pk, "GD-001", "苏州光电缆有限公司")
    assert note.branch_paths == "".join(" " + p for p in paths) and paths


def test_an_undone_import_notes_its_removals_in_a_bounded_number_of_queries(chamber, branches):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from members.imports.common import delete_made
    from members.imports.members import UNDO_ALLOWED

    def undo(memberships):
        with CaptureQueriesContext(connection) as captured:
            delete_made([(Membership, {m.pk: m.name for m in memberships}, UNDO_ALLOWED)])
        return [q["sql"] for q in captured.captured_queries if "membershipremoval" in q["sql"].lower()
                or ("membershipbranch" in q["sql"].lower() and "branch" in q["sql"].lower()
                    and q["sql"].lstrip().upper().startswith("SELECT"))]

    with scope(chamber=chamber):
        few = [add_member(chamber, n, [branches["display"], branches["cable"]]) for n in range(2)]
        many = [add_member(chamber, 10 + n, [branches["cable"]]) for n in range(8)] + [add_member(chamber, 30)]
        paths = {m.pk: "".join(" " + p for p in MembershipBranch.objects.filter(membership=m)
                               .order_by("branch__path").values_list("branch__path", flat=True))
                 for m in few + many}
        assert len(undo(few)) == len(undo(many)) <= 3
        notes = {n.membership_id: n.branch_paths for n in MembershipRemoval.objects.all()}
    assert notes == paths and paths[few[0].pk].count(" ") == 2 and paths[many[-1].pk] == ""

def test_the_feed_is_documented(db):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/chambers/{chamber}/members/changes/"]["get"]
    parameters = {p["name"]: p["in"] for p in operation["parameters"]}
    assert {"cursor": "query", "limit": "query", "If-None-Match": "header"}.items() <= parameters.items()
    assert {"200", "304", "400", "429"} <= set(operation["responses"])
    assert "ETag" in operation["responses"]["200"]["headers"]
    assert "Retry-After" in operation["responses"]["429"]["headers"]
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][body]["properties"]) == {"changes", "removed", "next_cursor", "has_more"}


def test_a_branch_rename_moves_its_members_into_the_feed(chamber, branches, member):
    """Roster rows show branch names, so renaming a branch changes its members' rows."""
    from branches.services import branch_update
    from members.models import Membership

    with scope(chamber=chamber):
        Membership.objects.filter(pk=member.pk).update(updated_at=timezone.now() - datetime.timedelta(days=1))
        before = Membership.objects.get(pk=member.pk).updated_at
        branch = member.branches.first()
        branch_update(branch=branch, actor=None, name=branch.name + "（更名）")
        assert Membership.objects.get(pk=member.pk).updated_at > before
