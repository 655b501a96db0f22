"""`python manage.py seed_scale --chambers N --members M [--largest 20000] [--rebuild] [--password P]`:
the scale data set (chamber/scale.py) on a dedicated PostgreSQL database.

2,000 chambers `scale-0000` … under the federation `scale-fed`, 1,000,000 members, with
officers, events, requests, donations, dues and a rating each; the user `scale-admin`
administers `scale-0000` and the federation. Idempotent: what exists is skipped, so a
second run with the same arguments writes nothing and an interrupted run carries on from
the last whole group of chambers. `--rebuild` drops the data set first. `--workers 2`
(the default) builds in two processes; the foreign-key triggers are skipped while writing
unless `--check-keys` (see chamber.scale.build_group).

PostgreSQL only, and only on a database holding no chambers but the data set's own:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/chamber_scale .venv/bin/python manage.py seed_scale \\
      --chambers 2000 --members 1000000
"""
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django_scopes import scopes_disabled

from chamber import bench, scale


class Command(BaseCommand):
    help = ("Build (or complete) the scale data set: N chambers under the federation scale-fed, M members in all, "
            "with officers, events, requests, donations, dues and ratings. PostgreSQL only, dedicated database.")

    def add_arguments(self, parser):
        parser.add_argument("--chambers", type=int, default=scale.DEFAULT_CHAMBERS,
                            help=f"Chambers (default {scale.DEFAULT_CHAMBERS:,}).")
        parser.add_argument("--members", type=int, default=scale.DEFAULT_MEMBERS,
                            help=f"Members in all chambers together (default {scale.DEFAULT_MEMBERS:,}).")
        parser.add_argument("--largest", type=int, default=scale.DEFAULT_LARGEST,
                            help=f"Members of scale-0000, the largest chamber (default {scale.DEFAULT_LARGEST:,}).")
        parser.add_argument("--rebuild", action="store_true", help="Drop the data set and build it again.")
        parser.add_argument("--password", help="Password of scale-admin (a new user gets a random one otherwise).")
        parser.add_argument("--workers", type=int, default=2,
                            help="Processes building groups of chambers side by side (default 2).")
        parser.add_argument("--check-keys", action="store_true",
                            help="Keep the foreign-key checks on while writing (slower; the tests use it).")

    def handle(self, *args, **options):
        out = self.stdout.write
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale runs on PostgreSQL only: set DATABASE_URL, e.g. "
                               "postgres://postgres@127.0.0.1:5432/chamber_scale.")
        bench.migrate_if_needed("seed_scale", "chamber_scale", log=out)
        with scopes_disabled():
            others = scale.foreign_chambers().count()
            if others:
                raise CommandError(f"This database holds {others} chambers that are not the scale data set's; "
                                   "point DATABASE_URL at a dedicated database (e.g. chamber_scale).")
            try:
                scale.plan(options["chambers"], options["members"], options["largest"])
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            out(f"Machine: {bench.machine_description()}; load {bench.load_average()}; "
                f"{bench.database_description()}")
            out(f"Scale data set: {options['chambers']:,} chambers, {options['members']:,} members "
                f"(largest {min(options['largest'], options['members']):,}) …")
            try:
                result = scale.seed(options["chambers"], options["members"], options["largest"],
                                    rebuild=options["rebuild"], password=options["password"], log=out,
                                    workers=options["workers"], trusted=not options["check_keys"])
            except scale.PlanMismatch as exc:
                raise CommandError(str(exc)) from None
        if result["chambers"]:
            out(f"Built {result['chambers']:,} chambers with {result['members']:,} members.")
        else:
            out("The data set was already complete; nothing built.")
        if result["password"]:
            out(f"User {scale.ADMIN_USERNAME} created with password: {result['password']}")
        out(f"Total time {result['seconds']:.1f} s (load {bench.load_average()}).")
