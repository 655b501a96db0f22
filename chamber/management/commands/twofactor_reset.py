"""`python manage.py twofactor_reset <username>`: remove a user's authenticator and backup codes.

Recovery for a user who lost both their phone and their backup codes: at the next log-in
they set up a new authenticator. (Operators can also delete the devices in the Django
admin, under "TOTP devices" and "Static devices".)
"""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from chamber.security.services import two_factor_reset


class Command(BaseCommand):
    help = "Remove a user's two-factor devices, so that they set up a new authenticator at the next log-in."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        removed = two_factor_reset(user=user, actor_label="manage.py twofactor_reset")
        self.stdout.write(f"Two-factor devices of {username} removed ({removed} rows). "
                          "They set up a new authenticator at the next log-in.")
