"""PostgreSQL only: posted donation entries cannot be changed or deleted (triggers), and
concurrent receipts get gapless unique numbers and never over-receive a pledge."""
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django_scopes import scope

from charity.models import Donation, DonationEntry
from charity.services import donation_receive

from .conftest import TODAY, YEAR, received


def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the triggers and row locks are PostgreSQL's")


@pytest.mark.postgres
def test_a_posted_entry_cannot_be_updated_or_deleted(chamber, programme, donate):
    _needs_postgres()
    donation = donate(programme, "100", received=received("100"))
    bare = donate(programme, "50")  # no entries: only the trigger stands in the way of its deletion
    with scope(chamber=chamber):
        entry = DonationEntry.objects.get(donation=donation)
        for attempt in (
            lambda: DonationEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1")),
            lambda: DonationEntry.objects.filter(pk=entry.pk).delete(),
            lambda: Donation.objects.filter(pk=donation.pk).update(amount=Decimal("1")),
            lambda: Donation.objects.filter(pk=bare.pk).delete(),
        ):
            with pytest.raises(DatabaseError, match="never changed or deleted"), transaction.atomic():
                attempt()
        entry.refresh_from_db()
    assert entry.amount == Decimal("100.00")


def _run_together(jobs):
    """Start every job at once (a barrier), each on its own connection; collect results and errors."""
    barrier, results, errors = threading.Barrier(len(jobs)), [], []

    def run(job):
        try:
            barrier.wait()
            results.append(job())
        except ValidationError as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_receipts_on_different_donations_get_gapless_numbers(chamber, programme, donate, treasurer):
    _needs_postgres()
    donations = [donate(programme, "100") for _ in range(8)]

    def receive(donation):
        def job():
            with scope(chamber=chamber):
                return donation_receive(donation=donation, actor=treasurer, amount="100", received_on=TODAY,
                                        method="cash").number
        return job

    numbers, errors = _run_together([receive(d) for d in donations])
    assert errors == []
    assert sorted(numbers) == ["JZ-{}-{:05d}".format(YEAR, n) for n in range(1, 9)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_receipts_exceeding_the_pledge_one_is_refused(chamber, programme, donate, treasurer):
    _needs_postgres()
    donation = donate(programme, "1000")

    def job():
        with scope(chamber=chamber):
            return donation_receive(donation=donation, actor=treasurer, amount="600", received_on=TODAY,
                                    method="bank_transfer").number

    numbers, errors = _run_together([job, job])
    assert len(numbers) == 1 and len(errors) == 1
    assert "amount" in errors[0].message_dict
    with scope(chamber=chamber):
        donation.refresh_from_db()
        assert donation.settled_amount == Decimal("600.00")
        assert list(DonationEntry.objects.filter(donation=donation).values_list("number", flat=True)) == [
            "JZ-{}-00001".format(YEAR)]
