"""`manage.py dues_lapse [--chamber slug] [--dry-run]`: lapse members whose dues are unpaid after
the grace period (what the nightly task does), or only list them."""
from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope, scopes_disabled

from chamber.models import Chamber
from members.dues.services import dues_lapse_overdue


class Command(BaseCommand):
    """Runs members.dues.services.dues_lapse_overdue for one chamber or all of them."""

    help = "Lapse members whose dues are unpaid after the grace period (--dry-run only lists them)."

    def add_arguments(self, parser):
        parser.add_argument("--chamber", help="The chamber's slug (default: every chamber).")
        parser.add_argument("--dry-run", action="store_true", help="List who would lapse; change nothing.")

    def handle(self, *args, chamber=None, dry_run=False, **options):
        with scopes_disabled():
            chambers = Chamber.objects.order_by("pk")
            if chamber:
                chambers = chambers.filter(slug=chamber)
                if not chambers.exists():
                    raise CommandError("No chamber with slug {!r}.".format(chamber))
            chambers = list(chambers)
        total = 0
        for each in chambers:
            with scope(chamber=each):
                lapsed = dues_lapse_overdue(chamber=each, dry_run=dry_run)
            for membership in lapsed:
                self.stdout.write("{}: {} — {}".format(each.slug, membership.name, membership.lapse_reason))
            total += len(lapsed)
        verb = "would lapse" if dry_run else "lapsed"
        self.stdout.write(self.style.SUCCESS("{} members {}.".format(total, verb)))
