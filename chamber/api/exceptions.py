"""API errors as JSON with field messages in the user's language.

Services raise Django's ValidationError (so forms, importers and the API share them);
here they become DRF 400s. A record still in use becomes 409 instead of a 500.
"""
import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    elif isinstance(exc, (ProtectedError, RestrictedError)):
        exc = Conflict(_("This record is still in use and cannot be deleted."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        # DRF's own catalogue has no Chinese for the "available in N seconds" half.
        seconds = math.ceil(exc.wait)
        wait, exc = exc.wait, exceptions.Throttled(detail=ngettext(
            "Too many requests for this API key; try again in {} second.",
            "Too many requests for this API key; try again in {} seconds.", seconds).format(seconds))
        exc.wait = wait  # set afterwards: given to the constructor, DRF appends its own sentence

    return drf_exception_handler(exc, context)
