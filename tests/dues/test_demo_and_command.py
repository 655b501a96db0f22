"""The demo seeding (idempotent, a mix of outcomes) and the `dues_lapse` command."""
import datetime

from django.core.management import call_command
from django_scopes import scope

from members.dues.demo import seed_dues
from members.models import DuesEntry, DuesInvoice, MembershipStatus

from .conftest import YEAR, add_member, set_schedule


def test_seed_dues_is_idempotent_and_mixed(chamber, member, admin_user):
    for n in range(6):
        add_member(chamber, "演示企业{}".format(n), 800000 + n)
    with scope(chamber=chamber):
        seed_dues(chamber=chamber, actor=admin_user)
        counts = (DuesInvoice.objects.filter(chamber=chamber).count(), DuesEntry.objects.filter(chamber=chamber).count())
        seed_dues(chamber=chamber, actor=admin_user)
        assert (DuesInvoice.objects.filter(chamber=chamber).count(),
                DuesEntry.objects.filter(chamber=chamber).count()) == counts
        kinds = set(DuesEntry.objects.filter(chamber=chamber).values_list("kind", flat=True))
        assert kinds == {"settlement", "write_off", "reversal"}
        assert DuesInvoice.objects.filter(chamber=chamber, settled_amount=0, written_off_amount=0).exists()


def test_the_command_lists_then_lapses(chamber, member, admin_user, capsys):
    set_schedule(chamber, admin_user, year=YEAR - 1, due_on=datetime.date(YEAR - 1, 3, 31), grace_days=10)
    with scope(chamber=chamber):
        from members.dues.services import dues_invoices_generate

        dues_invoices_generate(chamber=chamber, actor=admin_user, year=YEAR - 1)
    call_command("dues_lapse", "--chamber", chamber.slug, "--dry-run")
    assert member.name in capsys.readouterr().out
    with scope(chamber=chamber):
        member.refresh_from_db()
        assert member.status == MembershipStatus.ACTIVE
    call_command("dues_lapse")
    with scope(chamber=chamber):
        member.refresh_from_db()
        assert member.status == MembershipStatus.LAPSED
