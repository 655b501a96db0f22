"""POST /api/v1/auth/token/: DRF's obtain_auth_token, with the lockout and two-factor rules.

- django-axes counts failures here as on the web login (DRF's serializer calls
  `authenticate(request=...)`). Axes flags the DRF request it was given; the web's
  AxesMiddleware looks at the Django request, so the flag is read here and answered with
  JSON 429 instead of the serializer's generic "unable to log in".
- A user who needs two-factor (chamber.security.twofactor) gets a token only with the
  current code of a confirmed authenticator in `otp`, and such a user's token counts only
  when it was issued after that authenticator was set up (TwoFactorTokenAuthentication): a
  token from before two-factor was switched on, or before the user became an administrator
  or reviewer, would otherwise open the API with the password alone.
"""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import match_token, user_has_device
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from .authentication import token_is_current
from .lockout import LOCKOUT_STATUS, lockout_message
from .twofactor import two_factor_required


class TokenRequestSerializer(AuthTokenSerializer):
    otp = serializers.CharField(
        label=gettext_lazy("Two-factor code"), required=False, allow_blank=True, write_only=True,
        help_text=gettext_lazy("The authenticator's current code; needed by chamber administrators, "
                               "reviewers and staff when two-factor sign-in is required."),
    )


class TokenObtainView(ObtainAuthToken):
    serializer_class = TokenRequestSerializer

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("AuthToken", {"token": serializers.CharField()})},
        summary="Obtain a user's API token",
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):
                return Response({"detail": lockout_message()}, status=LOCKOUT_STATUS)
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        if two_factor_required(user):
            if not user_has_device(user):
                return Response({"detail": _("Set up two-factor sign-in on the website first.")},
                                status=status.HTTP_403_FORBIDDEN)
            code = "".join((serializer.validated_data.get("otp") or "").split())
            if not code or match_token(user, code) is None:
                return Response({"otp": [_("The code is wrong or has expired. Type the code shown now.")]},
                                status=status.HTTP_400_BAD_REQUEST)
        token, _created = Token.objects.get_or_create(user=user)
        if not token_is_current(user, token):  # from before two-factor: a new one
            token.delete()
            token = Token.objects.create(user=user)
        return Response({"token": token.key})


obtain_auth_token = TokenObtainView.as_view()
