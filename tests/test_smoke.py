"""The fixtures themselves: they must build a consistent world."""
from django_scopes import scope

from members.models import Membership


def test_fixture_world(chamber, other_chamber, member, admin_user, outsider):
    with scope(chamber=chamber):
        assert list(Membership.objects.all()) == [member]
    with scope(chamber=other_chamber):
        assert Membership.objects.count() == 1
        assert not Membership.objects.filter(pk=member.pk).exists()
