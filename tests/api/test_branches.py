"""The branch tree over the API: list, create, rename, move, archive, the nested tree."""
from django_scopes import scope

from branches.models import Branch, BranchStatus
from chamber.models import AuditEntry


def test_list_is_flat_in_tree_order(api, url, admin_user, branches):
    body = api.as_user(admin_user).get(url("branches/")).json()
    assert body["count"] == 3
    assert [b["name"] for b in body["results"]] == ["光缆分会", "光纤预制棒专委会", "显示分会"]
    sub = body["results"][1]
    assert sub["parent"] == {"id": branches["cable"].pk, "name": "光缆分会"}
    assert sub["depth"] == 2 and sub["kind"] == "committee" and sub["status"] == "active"


def test_branch_secretary_sees_only_their_subtree(api, url, branch_secretary, branches, member):
    client = api.as_user(branch_secretary)
    assert [b["name"] for b in client.get(url("branches/")).json()["results"]] == ["光缆分会", "光纤预制棒专委会"]
    assert client.get(url(f"branches/{branches['display'].pk}/")).status_code == 404
    tree = client.get(url("branches/tree/")).json()
    assert [n["name"] for n in tree] == ["光缆分会"]


def test_create_rename_and_audit(api, url, chamber, admin_user, branches):
    client = api.as_user(admin_user)
    response = client.post(url("branches/"), {"name": "光模块专委会", "kind": "committee", "parent": branches["cable"].pk,
                                              "code": "MODULE"}, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["parent"]["id"] == branches["cable"].pk and created["depth"] == 2
    assert created["path"] == f"{branches['cable'].pk}/{created['id']}/"

    response = client.patch(url(f"branches/{created['id']}/"), {"name": "光模块与器件专委会"}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "光模块与器件专委会"
    with scope(chamber=chamber):
        entry = AuditEntry.objects.filter(target_type="branches.branch", target_id=str(created["id"]), action="update").get()
    assert entry.actor == admin_user and entry.changes["name"] == ["光模块专委会", "光模块与器件专委会"]


def test_duplicate_code_is_a_field_error(api, url, admin_user, branches):
    response = api.as_user(admin_user).post(url("branches/"), {"name": "又一个", "kind": "branch", "code": "CABLE"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"code"}


def test_foreign_parent_is_400_and_nothing_saved(api, url, chamber, admin_user, branches, foreign):
    with scope(chamber=chamber):
        before = Branch.objects.count()
    response = api.as_user(admin_user).post(url("branches/"), {"name": "渗透", "kind": "branch",
                                                                 "parent": foreign["branch"].pk}, format="json")
    assert response.status_code == 400
    assert response.data["parent"][0].code == "does_not_exist"
    with scope(chamber=chamber):
        assert Branch.objects.count() == before


def test_foreign_leader_is_400(api, url, admin_user, branches, foreign):
    response = api.as_user(admin_user).patch(url(f"branches/{branches['cable'].pk}/"), {"leader": foreign["person"].pk},
                                             format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"leader"}


def test_patch_cannot_move_or_archive(api, url, admin_user, branches):
    """`parent` and `status` are not PATCH fields: the tree changes only through move/ and archive/."""
    response = api.as_user(admin_user).patch(url(f"branches/{branches['cable_sub'].pk}/"),
                                             {"parent": None, "status": "archived"}, format="json")
    assert response.status_code == 200
    assert response.json()["parent"]["id"] == branches["cable"].pk
    assert response.json()["status"] == "active"


def test_move_subtree_to_the_top_and_back(api, url, chamber, admin_user, branches):
    client = api.as_user(admin_user)
    sub = branches["cable_sub"]
    response = client.post(url(f"branches/{sub.pk}/move/"), {"parent": None, "reason": "升格为独立分会"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["parent"] is None and response.json()["depth"] == 1
    response = client.post(url(f"branches/{sub.pk}/move/"), {"parent": branches["display"].pk}, format="json")
    assert response.json()["path"] == f"{branches['display'].pk}/{sub.pk}/"
    with scope(chamber=chamber):
        assert AuditEntry.objects.filter(target_type="branches.branch", target_id=str(sub.pk), action="move",
                                         reason="升格为独立分会").exists()


def test_move_under_own_descendant_is_400(api, url, admin_user, branches):
    response = api.as_user(admin_user).post(url(f"branches/{branches['cable'].pk}/move/"),
                                            {"parent": branches["cable_sub"].pk}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"parent"}


def test_move_needs_parent_key(api, url, admin_user, branches):
    response = api.as_user(admin_user).post(url(f"branches/{branches['cable'].pk}/move/"), {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"parent"}


def test_archive_subtree_needs_reason(api, url, chamber, admin_user, branches):
    client = api.as_user(admin_user)
    assert client.post(url(f"branches/{branches['cable'].pk}/archive/"), {}, format="json").status_code == 400
    response = client.post(url(f"branches/{branches['cable'].pk}/archive/"), {"reason": "合并"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "archived"
    with scope(chamber=chamber):
        assert Branch.objects.get(pk=branches["cable_sub"].pk).status == BranchStatus.ARCHIVED
    # Archived nodes leave the lists unless asked for, but stay reachable by id.
    assert [b["name"] for b in client.get(url("branches/")).json()["results"]] == ["显示分会"]
    assert client.get(url("branches/?include_archived=1")).json()["count"] == 3
    assert client.get(url(f"branches/{branches['cable'].pk}/")).status_code == 200
    # An archived node takes no new children.
    response = client.post(url("branches/"), {"name": "新", "kind": "branch", "parent": branches["cable"].pk}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"parent"}


def test_tree_nests_and_counts_members_once(api, url, admin_user, branches, member):
    tree = api.as_user(admin_user).get(url("branches/tree/")).json()
    assert [(n["name"], n["member_count"]) for n in tree] == [("光缆分会", 1), ("显示分会", 0)]
    cable = tree[0]
    assert [(n["name"], n["member_count"], n["children"]) for n in cable["children"]] == [("光纤预制棒专委会", 1, [])]


def test_move_under_foreign_parent_is_400_and_nothing_moves(api, url, chamber, admin_user, branches, foreign):
    response = api.as_user(admin_user).post(url(f"branches/{branches['cable'].pk}/move/"),
                                            {"parent": foreign["branch"].pk, "reason": "x"}, format="json")
    assert response.status_code == 400
    assert response.data["parent"][0].code == "does_not_exist"
    with scope(chamber=chamber):
        assert Branch.objects.get(pk=branches["cable_sub"].pk).path == branches["cable_sub"].path
