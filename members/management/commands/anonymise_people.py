"""Anonymise people whose posts ended longer ago than the retention period (PIPL).

    manage.py anonymise_people [--years N] [--dry-run] [--chamber SLUG]

The work is members.privacy.anonymise_people; running it twice changes nothing more.
"""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from chamber.models import Chamber
from members.privacy import anonymise_people


class Command(BaseCommand):
    help = "Anonymise people whose every post ended more than N years ago (PERSONAL_DATA_RETENTION_YEARS)."

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, default=None,
                            help="Retention in years (default: PERSONAL_DATA_RETENTION_YEARS).")
        parser.add_argument("--dry-run", action="store_true", help="Count only; change nothing.")
        parser.add_argument("--chamber", default=None, help="Only this chamber (its slug).")

    def handle(self, *args, years=None, dry_run=False, chamber=None, **options):
        if years is not None and years < 1:
            raise CommandError("--years must be at least 1.")
        years = settings.PERSONAL_DATA_RETENTION_YEARS if years is None else years
        with scopes_disabled():  # spans chambers unless --chamber names one
            target = None
            if chamber:
                target = Chamber.objects.filter(slug=chamber).first()
                if target is None:
                    raise CommandError(f"No chamber with slug {chamber!r}.")
            found, done = anonymise_people(chamber=target, years=years, dry_run=dry_run)
        if dry_run:
            self.stdout.write(f"{found} people would be anonymised (retention {years} years); dry run, nothing changed.")
        else:
            self.stdout.write(f"{done} people anonymised of {found} found (retention {years} years).")
