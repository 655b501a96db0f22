"""The UI language per user: chosen once, kept on the account, applied on every device.

Django's `set_language` keeps the choice in a cookie, which is per browser. A secretariat
worker who picks English on the office desktop expects English on the phone too, so the
choice is also saved on the user (`UserPreference`). It is copied into the session at log
in, so applying it costs no query per request.
"""
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponseNotAllowed
from django.utils import translation
from django.views.i18n import set_language

from .models import UserPreference

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}
SESSION_KEY = "user_language"


@receiver(user_logged_in)
def _language_into_session(sender, request, user, **kwargs):
    language = UserPreference.objects.filter(user=user).values_list("language", flat=True).first()
    if language and request is not None:
        request.session[SESSION_KEY] = language


class UserLanguageMiddleware:
    """Activate the signed-in user's saved language (after LocaleMiddleware and auth)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        language = session.get(SESSION_KEY) if session is not None else None
        if language in LANGUAGE_CODES and language != getattr(request, "LANGUAGE_CODE", None):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


def language_switch(request):
    """Django's set_language; a signed-in user's choice is also saved on the account."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    language = request.POST.get("language", "")
    if language in LANGUAGE_CODES:
        if request.user.is_authenticated:
            UserPreference.objects.update_or_create(user=request.user, defaults={"language": language})
        request.session[SESSION_KEY] = language
    return set_language(request)
