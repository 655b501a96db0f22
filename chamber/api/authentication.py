"""`Authorization: Api-Key ck_<prefix>.<secret>`: a chamber's read-only roster key."""
import hmac

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled
from rest_framework import authentication, exceptions

from chamber.models import ApiKey


class ChamberApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header.startswith(self.keyword + " "):
            return None
        raw = header[len(self.keyword) + 1 :].strip()
        prefix = raw[3:].split(".", 1)[0] if raw.startswith("ck_") else ""
        # The key is looked up across chambers: a valid key used on another chamber's URL
        # must come out as 404 there (decided by the permission), not as "bad key".
        with scopes_disabled():
            key = ApiKey.objects.select_related("chamber").filter(prefix=prefix).first()
        if key is None or not key.is_active or not hmac.compare_digest(key.digest, ApiKey.digest_of(raw)):
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
        now = timezone.now()
        if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
            # At most one write a minute per key, so roster polling stays read-only in practice.
            with scopes_disabled():
                ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser(), key

    def authenticate_header(self, request):
        return self.keyword
