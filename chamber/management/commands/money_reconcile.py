"""`python manage.py money_reconcile [--chamber slug]`: check that every balance equals its entries.

The running totals on dues invoices and donations are caches kept by chamber.ledger under a
row lock; this reads them against the posted entries, one query per table, and lists any
document that disagrees. Exit status 1 when one does, so it can run from cron or CI.
"""
from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from chamber.ledger import ledger_mismatches
from chamber.models import Chamber
from charity.models import Donation
from members.models import DuesInvoice


class Command(BaseCommand):
    help = "Check that every dues invoice's and donation's balance equals the sum of its posted entries."

    def add_arguments(self, parser):
        parser.add_argument("--chamber", help="Only this chamber (slug).")

    def handle(self, *args, chamber=None, **options):
        with scopes_disabled():
            target = None
            if chamber:
                target = Chamber.objects.filter(slug=chamber).first()
                if target is None:
                    raise CommandError(f"No chamber {chamber!r}.")
            problems = 0
            for model in (DuesInvoice, Donation):
                checked = (model.objects.filter(chamber=target) if target else model.objects.all()).count()
                for document in ledger_mismatches(model, chamber=target).select_related("chamber"):
                    problems += 1
                    self.stdout.write(
                        f"{document.chamber.slug} {model._meta.label} #{document.pk}: settled {document.settled_amount} "
                        f"vs entries {document.entries_settled}, written off {document.written_off_amount} "
                        f"vs entries {document.entries_written_off}"
                    )
                self.stdout.write(f"{model._meta.verbose_name_plural}: {checked} checked")
        if problems:
            raise CommandError(f"{problems} documents disagree with their entries.")
        self.stdout.write(self.style.SUCCESS("Every balance equals the sum of its entries."))
