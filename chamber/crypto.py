"""Encryption at rest for resident ID numbers (PIPL: sensitive personal information).

Why a small field of our own rather than a package: django-fernet-encrypted-fields derives
its key from SECRET_KEY (rotating SECRET_KEY would then re-key the data, and every holder
of SECRET_KEY holds the data key); django-cryptography(-django5) also keys off SECRET_KEY
and has no rotation. Here the keys are their own settings and rotation is MultiFernet's:

- ``ID_NUMBER_KEYS``: Fernet keys, newest first. The first encrypts; all decrypt. To
  rotate, put a new key first and run ``manage.py rotate_id_numbers`` (re-encrypts every
  row with it), then drop the old key.
- ``ID_NUMBER_DIGEST_KEY``: the HMAC-SHA256 key of ``id_number_digest``, the column that
  makes "one ID number per chamber" and lookups by ID number work although the ciphertext
  is random. It is a key of its own, not derived from the first ID key, so rotating the
  encryption keys leaves every digest valid (a derived key would silently break the
  uniqueness check until all digests were recomputed). Changing it needs the same
  ``rotate_id_numbers`` run, which recomputes the digests.

Blank stays blank in the column (no ciphertext for "no number"), so ``id_number=""``
filters and the partial unique constraint on the digest keep working. Any other lookup
on the encrypted column would compare with a fresh random ciphertext and never match, so
it raises instead: look up by digest (`members.models.PersonQuerySet.with_id_number`).
"""
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.lookups import Exact


@lru_cache(maxsize=4)
def _fernet(keys):
    if not keys:
        raise ImproperlyConfigured("ID_NUMBER_KEYS is empty: set at least one Fernet key.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(f"ID_NUMBER_KEYS holds a key that is not a Fernet key: {exc}") from exc


def fernet():
    """The MultiFernet of the current settings (re-read each call, so override_settings works)."""
    return _fernet(tuple(settings.ID_NUMBER_KEYS))


def encrypt(text):
    return fernet().encrypt(text.encode()).decode("ascii") if text else ""


def decrypt(token):
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError) as exc:
        # No key in ID_NUMBER_KEYS opens it: a missing old key after rotation, or a plain
        # value written around the field (raw SQL, COPY). Say which, never guess.
        raise ImproperlyConfigured(
            "An encrypted ID number cannot be decrypted with any key in ID_NUMBER_KEYS."
        ) from exc


def reencrypt(token):
    """The same plain value under the first key (MultiFernet.rotate); blank stays blank."""
    return fernet().rotate(token.encode("ascii")).decode("ascii") if token else ""


def id_number_digest(value):
    """HMAC-SHA256 hex of a normalised ID number; "" for no number."""
    if not value:
        return ""
    key = settings.ID_NUMBER_DIGEST_KEY
    if not key:
        raise ImproperlyConfigured("ID_NUMBER_DIGEST_KEY is not set.")
    # Normalised as normalize_id_number does (no spaces anywhere, capital X), so a look-up with
    # a number as typed finds the one stored.
    plain = "".join(value.split()).upper()
    return hmac.new(key.encode(), plain.encode(), hashlib.sha256).hexdigest()


class _EncryptedExact(Exact):
    """`id_number=""` (is blank) works; `id_number="<number>"` would never match: refuse it."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None) and not hasattr(self.rhs, "resolve_expression"):
            raise FieldError(
                "An encrypted field cannot be compared with a value; filter on its digest instead."
            )
        return super().get_prep_lookup()


class EncryptedCharField(models.CharField):
    """A CharField whose column holds a Fernet token; Python sees the plain value.

    `max_length` limits the plain value (validation); the column is text.
    """

    description = "Encrypted text"

    def db_type(self, connection):
        return models.TextField().db_type(connection)

    def cast_db_type(self, connection):
        return models.TextField().cast_db_type(connection)

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return _EncryptedExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None  # Django answers "Unsupported lookup ... for EncryptedCharField"

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        return encrypt(value) if value else value

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value


class DigestField(models.CharField):
    """HMAC digest of another field of the same row, computed whenever the row is written by
    save() or bulk_create() (both call pre_save). A raw write (COPY, update()) must fill it."""

    def __init__(self, *args, source=None, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", 64), ("editable", False), ("blank", True)):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = id_number_digest(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value
