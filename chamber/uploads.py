"""Private document uploads (evaluation evidence, event attachments): checked by content,
stored outside MEDIA_ROOT, served only as downloads by views that check who asks.

Only PDF, images (JPEG, PNG, GIF, WebP) and Office documents are accepted, and the type is
read from the content, never from the name or the browser's word: a Word document named
.pdf is kept as the Word document it is, an HTML or SVG page named .pdf or .png is refused
(it could run script if a browser ever rendered it). Images must also open in Pillow.
"""
import io
import os
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, InvalidStorageError, Storage, storages
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

class PrivateStorage(FileSystemStorage):
    """Private files live outside MEDIA_ROOT and have no URL: only a permission-checked view
    serves them, always as a download. The location is read from settings on each use, so
    tests can point it at a temporary folder."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a permission-checked view.")


class SelectedPrivateStorage(Storage):
    """The storage of private files as settings name it now: STORAGES["private"], which is
    PrivateStorage on disk, or object storage when OBJECT_STORAGE_BUCKET is set
    (docs/scaling.md). Chosen on each use rather than when the models load, like
    PrivateStorage's folder, so that settings (and tests) can switch it."""

    @staticmethod
    def backend():
        try:
            return storages["private"]
        except InvalidStorageError:  # settings without the entry: the disk, as before
            return PrivateStorage()


def _delegate(name):
    def method(self, *args, **kwargs):
        return getattr(self.backend(), name)(*args, **kwargs)

    method.__name__ = name
    return method


# Every public Storage method, so the chosen backend's own rules apply (S3's name cleaning,
# its overwrite setting), not those of the Storage base class.
for _name in ("open", "save", "delete", "exists", "listdir", "size", "url", "path", "get_valid_name",
              "get_alternative_name", "get_available_name", "generate_filename", "get_accessed_time",
              "get_created_time", "get_modified_time"):
    setattr(SelectedPrivateStorage, _name, _delegate(_name))


def private_storage():
    # A callable, so migrations record the function rather than a storage instance.
    return SelectedPrivateStorage()


# Detected MIME type -> the extension the file is stored and offered under.
ACCEPTED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/apng": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
}
# What Pillow must recognise each image type as.
IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/apng": "PNG", "image/gif": "GIF",
                 "image/webp": "WEBP"}
STORED_TYPES = {"image/apng": "image/png"}


def detect_type(content):
    """The accepted MIME type of `content` (bytes), or None."""
    kind = filetype.guess(bytes(content[:8192]))
    if kind is None or kind.mime not in ACCEPTED_TYPES:
        return None
    return kind.mime


def _image_ok(content, mime):
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format != IMAGE_FORMATS[mime]:
                return False
            image.verify()
    except Exception:  # noqa: BLE001 - any failure to decode means a damaged or disguised file
        return False
    return True


def _size_label(limit):
    if limit >= 1024 * 1024:
        return "{:g} MB".format(round(limit / (1024 * 1024), 1))
    return "{:g} KB".format(round(limit / 1024, 1))


def _read(file):
    if hasattr(file, "seek"):
        file.seek(0)
    if hasattr(file, "chunks"):
        return b"".join(file.chunks())
    return file.read()


@dataclass
class CheckedUpload:
    """An upload that passed the checks: its bytes, the name to offer it under, its real type."""

    content: bytes
    original_name: str
    content_type: str


def upload_check(file, *, default_stem="document"):
    """Read `file` and check it (size ≤ EVIDENCE_MAX_BYTES, not empty, an accepted type by
    content, an image that decodes); a ValidationError on `file` says what is wrong."""
    limit = settings.EVIDENCE_MAX_BYTES
    too_large = _("The file is larger than the limit of {size}.").format(size=_size_label(limit))
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise ValidationError({"file": too_large})
    content = _read(file)
    if len(content) > limit:
        raise ValidationError({"file": too_large})
    if not content:
        raise ValidationError({"file": _("The file is empty.")})
    mime = detect_type(content)
    if mime is None:
        raise ValidationError({"file": _(
            "Only PDF files, images (JPEG, PNG, GIF, WebP) and Office documents are accepted; "
            "this file's content is none of them, whatever its name says.")})
    if mime in IMAGE_FORMATS and not _image_ok(content, mime):
        raise ValidationError({"file": _("This image is damaged or is not the image it claims to be.")})
    # The user's file name without folders, with the extension of its real type.
    base = os.path.basename((getattr(file, "name", "") or "").replace("\\", "/")).strip() or default_stem
    stem = os.path.splitext(base)[0].strip(" .") or default_stem
    return CheckedUpload(content=content, original_name="{}.{}".format(stem[:150], ACCEPTED_TYPES[mime]),
                         content_type=STORED_TYPES.get(mime, mime))


def download_response(field_file, *, filename, content_type):
    """A stored private file as a download and never anything a browser would render:
    attachment, the type detected at upload, no sniffing, sandboxed, not cached. 404 when
    the file is gone."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
