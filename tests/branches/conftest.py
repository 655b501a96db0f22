"""Local helpers for the branch tests: everything runs inside the chamber's scope."""
import pytest
from django_scopes import scope

from branches.services import branch_create


@pytest.fixture
def in_chamber(chamber):
    with scope(chamber=chamber):
        yield chamber


@pytest.fixture
def make_branch(in_chamber):
    def make(name, parent=None, **kwargs):
        return branch_create(chamber=in_chamber, actor=None, name=name, kind=kwargs.pop("kind", "branch"),
                             parent=parent, **kwargs)

    return make
