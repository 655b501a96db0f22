"""The branch tree: materialised paths of primary keys, kept consistent by the services."""
import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from branches.models import Branch, BranchStatus
from branches.services import branch_archive, branch_create, branch_move, branch_update
from chamber.models import AuditEntry


def expected_path_and_depth(branch):
    """Walk the parent chain through the database, independently of the stored path."""
    ids = []
    node = branch
    while node is not None:
        ids.append(node.pk)
        node = Branch.objects.filter(pk=node.parent_id).first() if node.parent_id else None
    ids.reverse()
    return "".join(f"{pk}/" for pk in ids), len(ids)


def assert_tree_consistent(chamber):
    rows = list(Branch.objects.filter(chamber=chamber))
    assert rows
    for row in rows:
        assert (row.path, row.depth) == expected_path_and_depth(row), row.name


def test_nested_nodes_get_paths_and_depths(in_chamber, make_branch):
    top = make_branch("top")
    mid = make_branch("mid", parent=top)
    low = make_branch("low", parent=mid)
    assert top.path == f"{top.pk}/" and top.depth == 1
    assert mid.path == f"{top.pk}/{mid.pk}/" and mid.depth == 2
    assert low.path == f"{top.pk}/{mid.pk}/{low.pk}/" and low.depth == 3
    assert low.ancestor_ids == [top.pk, mid.pk]
    low.refresh_from_db()
    assert low.path == f"{top.pk}/{mid.pk}/{low.pk}/"  # stored, not only on the instance
    assert_tree_consistent(in_chamber)


def test_moving_a_three_level_subtree_rewrites_every_descendant(in_chamber, make_branch):
    a = make_branch("A")
    b = make_branch("B")
    a1 = make_branch("A1", parent=a)
    a11 = make_branch("A11", parent=a1)
    a12 = make_branch("A12", parent=a1)
    a111 = make_branch("A111", parent=a11)
    b1 = make_branch("B1", parent=b)
    untouched = {x.pk: (x.path, x.depth) for x in (a, b, b1)}

    moved = branch_move(branch=a1, actor=None, new_parent=b1, reason="restructuring")

    assert moved.parent_id == b1.pk
    assert moved.path == f"{b.pk}/{b1.pk}/{a1.pk}/" and moved.depth == 3
    for node, depth in ((a11, 4), (a12, 4), (a111, 5)):
        node.refresh_from_db()
        assert node.path.startswith(moved.path)
        assert node.depth == depth
    assert_tree_consistent(in_chamber)
    for x in Branch.objects.filter(pk__in=untouched):
        assert (x.path, x.depth) == untouched[x.pk]


def test_moving_a_subtree_up_to_the_top_level(in_chamber, make_branch):
    a = make_branch("A")
    a1 = make_branch("A1", parent=a)
    a11 = make_branch("A11", parent=a1)
    branch_move(branch=a1, actor=None, new_parent=None)
    a1.refresh_from_db()
    a11.refresh_from_db()
    assert a1.parent_id is None and a1.path == f"{a1.pk}/" and a1.depth == 1
    assert a11.path == f"{a1.pk}/{a11.pk}/" and a11.depth == 2
    assert_tree_consistent(in_chamber)


@pytest.mark.parametrize("target", ["self", "child", "grandchild"])
def test_moving_under_itself_or_a_descendant_is_refused(in_chamber, make_branch, target):
    a = make_branch("A")
    a1 = make_branch("A1", parent=a)
    a11 = make_branch("A11", parent=a1)
    new_parent = {"self": a, "child": a1, "grandchild": a11}[target]
    before = sorted(Branch.objects.values_list("pk", "path", "depth", "parent_id"))
    with pytest.raises(ValidationError) as exc:
        branch_move(branch=a, actor=None, new_parent=new_parent)
    assert "parent" in exc.value.message_dict
    assert sorted(Branch.objects.values_list("pk", "path", "depth", "parent_id")) == before


def test_move_uses_fresh_paths_not_stale_instances(in_chamber, make_branch):
    """The caller's instances may be stale after an earlier move; the move must re-read them."""
    a = make_branch("A")
    b = make_branch("B")
    b1 = make_branch("B1", parent=b)
    branch_move(branch=b, actor=None, new_parent=a)  # `b1` instance now has a stale path
    with pytest.raises(ValidationError):
        branch_move(branch=b, actor=None, new_parent=b1)
    branch_move(branch=b1, actor=None, new_parent=None)
    assert_tree_consistent(in_chamber)


def test_archive_archives_the_whole_subtree(in_chamber, make_branch):
    a = make_branch("A")
    a1 = make_branch("A1", parent=a)
    a11 = make_branch("A11", parent=a1)
    other = make_branch("other")
    branch_archive(branch=a1, actor=None, reason="merged")
    statuses = dict(Branch.objects.values_list("name", "status"))
    assert statuses == {"A": BranchStatus.ACTIVE, "A1": BranchStatus.ARCHIVED, "A11": BranchStatus.ARCHIVED,
                        "other": BranchStatus.ACTIVE}
    del a11, other
    with pytest.raises(ValidationError) as exc:
        make_branch("under archived", parent=a1)
    assert "parent" in exc.value.message_dict


def test_parent_from_another_chamber_is_refused(chamber, other_chamber):
    with scope(chamber=other_chamber):
        foreign = branch_create(chamber=other_chamber, actor=None, name="外地分会", kind="branch")
    with scope(chamber=chamber):
        with pytest.raises(ValidationError) as exc:
            branch_create(chamber=chamber, actor=None, name="x", kind="branch", parent=foreign)
        assert "parent" in exc.value.message_dict
        mine = branch_create(chamber=chamber, actor=None, name="mine", kind="branch")
        with pytest.raises(ValidationError) as exc:
            branch_move(branch=mine, actor=None, new_parent=foreign)
        assert "parent" in exc.value.message_dict
        assert Branch.objects.count() == 1


def test_code_unique_in_a_chamber_but_not_across_chambers(chamber, other_chamber):
    with scope(chamber=chamber):
        first = branch_create(chamber=chamber, actor=None, name="光缆", kind="branch", code="CABLE")
        with pytest.raises(ValidationError) as exc:
            branch_create(chamber=chamber, actor=None, name="另一个", kind="branch", code="CABLE")
        assert "code" in exc.value.message_dict
        second = branch_create(chamber=chamber, actor=None, name="显示", kind="branch", code="DISPLAY")
        with pytest.raises(ValidationError) as exc:
            branch_update(branch=second, actor=None, code="CABLE")
        assert "code" in exc.value.message_dict
        # Blank codes never clash.
        branch_create(chamber=chamber, actor=None, name="无码一", kind="branch")
        branch_create(chamber=chamber, actor=None, name="无码二", kind="branch")
    with scope(chamber=other_chamber):
        elsewhere = branch_create(chamber=other_chamber, actor=None, name="光缆", kind="branch", code="CABLE")
    assert elsewhere.code == first.code


def test_every_create_move_and_archive_is_audited(in_chamber, make_branch):
    a = make_branch("A")
    b = make_branch("B")
    branch_move(branch=b, actor=None, new_parent=a, reason="tidy")
    branch_archive(branch=a, actor=None, reason="closed")
    entries = list(AuditEntry.objects.filter(target_type="branches.branch").order_by("pk")
                   .values_list("action", "target_id", "reason"))
    assert entries == [
        ("create", str(a.pk), ""),
        ("create", str(b.pk), ""),
        ("move", str(b.pk), "tidy"),
        ("archive", str(a.pk), "closed"),
    ]
    move = AuditEntry.objects.get(action="move")
    assert move.changes == {"parent": [None, "A"]}


def test_create_under_a_stale_parent_instance_uses_its_current_path(in_chamber, make_branch):
    """The parent instance predates a move of its ancestor; the child must still land right."""
    a = make_branch("A")
    b = make_branch("B")
    a1 = make_branch("A1", parent=a)
    branch_move(branch=a, actor=None, new_parent=b)  # a1's stored path is now B/A/A1
    child = make_branch("child", parent=a1)          # `a1` still says A/A1 in memory
    assert (child.path, child.depth) == expected_path_and_depth(child)
    assert_tree_consistent(in_chamber)


def test_archive_of_a_stale_instance_archives_its_current_subtree(in_chamber, make_branch):
    a = make_branch("A")
    b = make_branch("B")
    a1 = make_branch("A1", parent=a)
    a11 = make_branch("A11", parent=a1)
    branch_move(branch=a, actor=None, new_parent=b)  # `a1` and `a11` instances are stale
    branch_archive(branch=a1, actor=None)
    a1.refresh_from_db()
    a11.refresh_from_db()
    assert a1.status == BranchStatus.ARCHIVED
    assert a11.status == BranchStatus.ARCHIVED


def test_move_under_a_node_archived_since_it_was_loaded_is_refused(in_chamber, make_branch):
    a = make_branch("A")
    a1 = make_branch("A1", parent=a)
    b = make_branch("B")
    branch_archive(branch=a, actor=None)  # `a1` instance still says active
    with pytest.raises(ValidationError) as exc:
        branch_move(branch=b, actor=None, new_parent=a1)
    assert "parent" in exc.value.message_dict
