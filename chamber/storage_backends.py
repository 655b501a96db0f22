"""Storage classes for S3-compatible object storage (django-storages), chosen in settings
when OBJECT_STORAGE_BUCKET is set (chamber/settings/base.py, docs/scaling.md).

Imported only then: boto3 is not loaded by a web process that keeps its files on disk.
"""
from storages.backends.s3 import S3Storage

__all__ = ["MediaObjectStorage", "PrivateObjectStorage"]


class MediaObjectStorage(S3Storage):
    """Media (chamber logos): URLs are signed and expire, so the bucket stays private."""


class PrivateObjectStorage(S3Storage):
    """Private files in the bucket: like chamber.uploads.PrivateStorage on disk, they have no
    URL at all, not even a signed one. Only permission-checked views serve them, reading
    the object through the application (chamber.uploads.download_response)."""

    def url(self, name, *args, **kwargs):
        raise ValueError("Private files have no URL; serve them through a permission-checked view.")
