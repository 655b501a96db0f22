"""Two-factor sign-in (TOTP, django-otp) for those who can do the most harm.

Who: users holding a chamber administrator or reviewer role anywhere, and the platform's
staff (the Django admin), when TWO_FACTOR_REQUIRED is on (production's default; off for
`make run` and the tests). After the password, such a user sets up an authenticator app
(QR code and key, confirmed with a code) or, having one, types its current code; until then
every page sends them there, and session-authenticated API calls answer 403.

The API's machine credentials: an API key (Api-Key header) belongs to a chamber, not a
person, and is not asked for a code. A user's API token is issued by /api/v1/auth/token/ only
with a current code (field `otp`) for users who need two-factor; once issued, the token is
used without one, as a credential the client keeps (revoked in the admin).
"""
from base64 import b32encode
from urllib.parse import quote

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_scopes import scopes_disabled

from chamber.forms import StyledFormMixin
from chamber.mixins import full_page_redirect, safe_next_url
from chamber.models import Role, RoleKind

from . import services

# Roles whose holders must use two-factor: they change everything in a chamber, or they
# decide ratings that are published.
ROLE_KINDS_REQUIRING_TWO_FACTOR = (RoleKind.CHAMBER_ADMIN, RoleKind.REVIEWER)


def two_factor_required(user):
    """Whether this signed-in user must pass two-factor before using the site."""
    if not getattr(settings, "TWO_FACTOR_REQUIRED", False) or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    # Any chamber counts: the check runs before (and outside) a chamber's scope.
    with scopes_disabled():
        return Role.objects.filter(user=user, kind__in=ROLE_KINDS_REQUIRING_TWO_FACTOR).exists()


def _is_verified(user):
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def _safe_next(request):
    return safe_next_url(request, "/")


class TwoFactorMiddleware:
    """Sends a user who needs two-factor and has not passed it to set-up or verification.

    After django_otp's OTPMiddleware (which marks the verified sessions).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt = None

    def exempt_prefixes(self):
        if self._exempt is None:
            self._exempt = (
                reverse("login"), reverse("logout"), "/accounts/2fa/", settings.STATIC_URL,
                reverse("healthz"), reverse("set_language"), reverse("api-token"),
            )
        return self._exempt

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not _is_verified(user)
                and not request.path_info.startswith(self.exempt_prefixes())
                and two_factor_required(user)):
            return self.refuse(request, user)
        return self.get_response(request)

    def refuse(self, request, user):
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": _("Two-factor verification is required: log in on the "
                                             "website and enter your authenticator code.")}, status=403)
        page = "twofactor-verify" if user_has_device(user) else "twofactor-setup"
        return full_page_redirect(request, "{}?next={}".format(reverse(page), quote(request.get_full_path())))


class TokenForm(StyledFormMixin, forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code"), max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True}),
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split())


def _format_key(device):
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


@never_cache
@login_required
def setup(request):
    """Set up an authenticator: QR code (inline SVG, made here) and key, then one code."""
    if user_has_device(request.user) and not _is_verified(request.user):
        # Replacing an authenticator needs the current one (or an operator's reset).
        return redirect("{}?next={}".format(reverse("twofactor-verify"), quote(_safe_next(request))))
    device = services.totp_device_pending(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.totp_device_confirm(device=device, token=form.cleaned_data["token"])
        if codes is None:
            form.add_error("token", _("The code is wrong or has expired. Type the code shown now."))
        else:
            otp_login(request, device)
            return render(request, "registration/twofactor_backup_codes.html",
                          {"codes": codes, "next": _safe_next(request)})
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, title=_("QR code"))
    return render(request, "registration/twofactor_setup.html", {
        "form": form, "qr_svg": qr_svg, "key": _format_key(device), "next": _safe_next(request),
    })


@never_cache
@login_required
def verify(request):
    """Ask a user with an authenticator for its current code (or a backup code)."""
    if not user_has_device(request.user):
        return redirect("{}?next={}".format(reverse("twofactor-setup"), quote(_safe_next(request))))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is None:
            form.add_error("token", _("The code is wrong or has expired. Type the code shown now."))
        else:
            otp_login(request, device)
            return redirect(_safe_next(request))
    return render(request, "registration/twofactor_verify.html", {"form": form, "next": _safe_next(request)})


urlpatterns = [
    path("2fa/setup/", setup, name="twofactor-setup"),
    path("2fa/verify/", verify, name="twofactor-verify"),
]
