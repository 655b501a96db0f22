"""Idempotency-Key for money-moving requests (as pretix and Stripe do it).

A client that sends `Idempotency-Key: <key>` with a POST and retries it (a timeout, a
double click) gets the first answer again, marked `Idempotent-Replayed: true`, and no
second record. The key row is inserted in the same transaction as the write, so a
concurrent duplicate waits on the unique index until the first commits, then replays
its answer; if the first rolled back, the duplicate simply runs. Only successful answers
are kept: a refused request may be fixed and sent again with the same key.

Pages use the same table: each money form carries a fresh key in a hidden field
(`form_idempotency_key`), so a double-submitted form records once and both submits land
on the same page.
"""
import functools
import hashlib
import json
import uuid

from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.response import Response

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
FORM_FIELD = "idempotency_key"
MAX_LENGTH = 100

# How the header is documented on every money-creating operation of the OpenAPI schema.
IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="Any unique string (≤ 100 characters). A retry with the same key gets the first answer again "
                "(header `Idempotent-Replayed: true`) and records nothing; the same key with a different body is 422.",
)


def _fingerprint(method, path, payload):
    body = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256("{} {}\n{}".format(method, path, body).encode()).hexdigest()


def _claim(*, chamber, user, key, fingerprint):
    """Insert the key (in a savepoint); return the earlier row when it exists already."""
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(chamber=chamber, user=user, key=key, fingerprint=fingerprint)
        return None
    except IntegrityError:
        return IdempotencyKey.objects.get(chamber=chamber, user=user, key=key)


def _remember(*, chamber, user, key, status_code, response):
    IdempotencyKey.objects.filter(chamber=chamber, user=user, key=key).update(
        status_code=status_code, response=response
    )


def idempotent_api(method):
    """Decorate a DRF view method that creates money records."""

    @functools.wraps(method)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return method(view, request, *args, **kwargs)
        if not key.strip() or len(key) > MAX_LENGTH:
            return Response(
                {"detail": _("The Idempotency-Key header must be 1 to {n} characters.").format(n=MAX_LENGTH)},
                status=status.HTTP_400_BAD_REQUEST,
            )
        chamber, user = request.chamber, request.user
        fingerprint = _fingerprint(request.method, request.path, request.data)
        with transaction.atomic():
            earlier = _claim(chamber=chamber, user=user, key=key, fingerprint=fingerprint)
            if earlier is not None:
                if earlier.fingerprint != fingerprint:
                    return Response(
                        {"detail": _("This Idempotency-Key was already used for a different request.")},
                        status=status.HTTP_422_UNPROCESSABLE_ENTITY,
                    )
                return Response(earlier.response, status=earlier.status_code,
                                headers={"Idempotent-Replayed": "true"})
            response = method(view, request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                _remember(chamber=chamber, user=user, key=key,
                          status_code=response.status_code, response=response.data)
            else:
                transaction.set_rollback(True)
            return response

    return wrapper


def form_idempotency_key():
    """A fresh key for a money form's hidden field."""
    return uuid.uuid4().hex


def idempotent_form_post(request, *, key, handle):
    """Run `handle()` (which saves and returns the URL to redirect to) once per form key.

    A second submit of the same form redirects to where the first one went. `handle` may
    raise ValidationError; then nothing is kept and the form can be sent again.
    """
    key = (key or "").strip()[:MAX_LENGTH]
    if not key:
        return HttpResponseRedirect(handle())
    chamber, user = request.chamber, request.user
    fingerprint = _fingerprint("FORM", request.path, {})
    with transaction.atomic():
        earlier = _claim(chamber=chamber, user=user, key=key, fingerprint=fingerprint)
        if earlier is not None and earlier.response:
            return HttpResponseRedirect(earlier.response["location"])
        location = handle()
        _remember(chamber=chamber, user=user, key=key, status_code=302, response={"location": location})
    return HttpResponseRedirect(location)
