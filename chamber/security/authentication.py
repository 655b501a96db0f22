"""API token authentication that keeps two-factor: a user who needs it (twofactor.py) may
use a token only when it was issued after their authenticator was set up, so a token from
before two-factor was switched on, or before the user became an administrator or reviewer,
does not open the API with the password alone. Its own module: DRF imports authentication
classes while rest_framework.views is still loading, and token.py imports DRF's views."""
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .twofactor import two_factor_required


def token_is_current(user, token):
    """Whether `token` may be used: always, unless the user needs two-factor; then only if it
    was issued after the user's first confirmed authenticator."""
    if not two_factor_required(user):
        return True
    from django_otp.plugins.otp_totp.models import TOTPDevice

    first = (TOTPDevice.objects.filter(user=user, confirmed=True).exclude(created_at=None)
             .order_by("created_at").values_list("created_at", flat=True).first())
    return first is not None and token.created >= first


class TwoFactorTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing a two-factor user's token issued before two-factor."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if not token_is_current(user, token):
            raise AuthenticationFailed(_("This token was issued before two-factor sign-in; "
                                         "obtain a new one with your authenticator's code."))
        return user, token
