"""The demo seeding runs through the services and is idempotent."""
from django_scopes import scope

from charity.demo import seed_charity
from charity.models import Donation, DonationEntry, Programme
from chamber.ledger import ledger_totals_match


def test_seed_charity_is_idempotent(chamber, member, branches, admin_user):
    with scope(chamber=chamber):
        assert seed_charity(chamber=chamber, actor=admin_user) is not None
        counts = (Programme.objects.filter(chamber=chamber).count(), Donation.objects.filter(chamber=chamber).count(),
                  DonationEntry.objects.filter(chamber=chamber).count())
        assert seed_charity(chamber=chamber, actor=admin_user) is None
        assert counts == (Programme.objects.filter(chamber=chamber).count(),
                          Donation.objects.filter(chamber=chamber).count(),
                          DonationEntry.objects.filter(chamber=chamber).count())
        assert Programme.objects.filter(chamber=chamber, honour_roll_public=True).count() == 1
        assert DonationEntry.objects.filter(chamber=chamber, kind="reversal").count() == 1
        assert DonationEntry.objects.filter(chamber=chamber, kind="write_off").count() == 1
        assert all(ledger_totals_match(d) for d in Donation.objects.filter(chamber=chamber))
