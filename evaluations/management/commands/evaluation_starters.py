"""`manage.py evaluation_starters <chamber-slug>`: install the starter rubrics in a chamber
(idempotent; see evaluations.starters)."""
from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope, scopes_disabled

from chamber.models import Chamber
from evaluations.starters import starter_schemes_install


class Command(BaseCommand):
    help = "Install the starter evaluation schemes (star rating, four good, five good, 1A–5A) in a chamber."

    def add_arguments(self, parser):
        parser.add_argument("chamber", help="The chamber's slug, as in its URLs.")

    def handle(self, *args, **options):
        with scopes_disabled():
            chamber = Chamber.objects.filter(slug=options["chamber"]).first()
        if chamber is None:
            raise CommandError("No chamber with the slug {!r}.".format(options["chamber"]))
        with scope(chamber=chamber):
            created = starter_schemes_install(chamber=chamber, actor=None)
            for version in created:
                self.stdout.write("installed: {}".format(version))
        if not created:
            self.stdout.write("nothing to install: {} has every starter already.".format(chamber.slug))
