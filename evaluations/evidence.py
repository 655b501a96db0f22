"""Evidence (凭证): the documents a subject uploads to prove its self-assessment.

Only PDF, images (JPEG, PNG, GIF, WebP) and Office documents are accepted, and the type
is read from the content, never from the name or the browser's word: a Word document
named .pdf is kept as the Word document it is, an HTML or SVG page named .pdf or .png is
refused (it could run script if a browser ever rendered it). Images must also open in
Pillow. Files go to the private storage under a name made of their hash, and are only
ever served as downloads, by a view that checks who asks (`evidence_for_user`).
"""
import hashlib
import io
import os

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from chamber.audit import audit_record

from .models import Evidence
from .selectors import submission_list_for_federation, submission_list_for_subject
from .transitions import SELF_ASSESSMENT_OPEN

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


def _clean_name(name, extension):
    """The user's file name without folders, with the extension of its real type."""
    base = os.path.basename((name or "").replace("\\", "/")).strip() or "evidence"
    stem = os.path.splitext(base)[0].strip(" .") or "evidence"
    return "{}.{}".format(stem[:180], extension)


def _read(file):
    if hasattr(file, "seek"):
        file.seek(0)
    if hasattr(file, "chunks"):
        return b"".join(file.chunks())
    return file.read()


@transaction.atomic
def evidence_upload(submission, *, actor, file, indicator=None, note=""):
    """Store a subject's evidence file, for one indicator or the whole submission."""
    if submission.status not in SELF_ASSESSMENT_OPEN:
        raise ValidationError(_("Evidence can only be added while the self-assessment is open."))
    if indicator is not None and indicator.version_id != submission.campaign.version_id:
        raise ValidationError({"indicator": _("This indicator is not part of the campaign's rubric.")})
    note = (note or "").strip()
    if len(note) > 300:
        raise ValidationError({"note": _("Keep the note under 300 characters.")})
    limit = settings.EVIDENCE_MAX_BYTES
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise ValidationError({"file": _("The file is larger than the limit of {size}.").format(size=_size_label(limit))})
    content = _read(file)
    if len(content) > limit:
        raise ValidationError({"file": _("The file is larger than the limit of {size}.").format(size=_size_label(limit))})
    if not content:
        raise ValidationError({"file": _("The file is empty.")})
    mime = detect_type(content)
    if mime is None:
        raise ValidationError({"file": _(
            "Only PDF files, images (JPEG, PNG, GIF, WebP) and Office documents are accepted; "
            "this file's content is none of them, whatever its name says.")})
    if mime in IMAGE_FORMATS and not _image_ok(content, mime):
        raise ValidationError({"file": _("This image is damaged or is not the image it claims to be.")})
    evidence = Evidence(
        chamber_id=submission.chamber_id, submission=submission, indicator=indicator,
        original_name=_clean_name(getattr(file, "name", ""), ACCEPTED_TYPES[mime]),
        content_type=STORED_TYPES.get(mime, mime), size=len(content), sha256=hashlib.sha256(content).hexdigest(),
        note=note, uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    # The file is written first (its name comes from the storage); should the row not be
    # saved, the file goes too. A caller's transaction rolled back later leaves an orphan
    # file in the private storage, never a row without its file.
    evidence.file.save("upload", ContentFile(content), save=False)
    try:
        evidence.save()
        audit_record(chamber=submission.campaign.chamber, actor=actor, action="upload evidence", target=submission,
                     changes={"evidence": [None, evidence.original_name]})
    except Exception:
        evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


def _size_label(limit):
    if limit >= 1024 * 1024:
        return "{:g} MB".format(round(limit / (1024 * 1024), 1))
    return "{:g} KB".format(round(limit / 1024, 1))


@transaction.atomic
def evidence_delete(evidence, *, actor):
    """Remove an evidence file while the self-assessment is still open."""
    submission = evidence.submission
    if submission.status not in SELF_ASSESSMENT_OPEN:
        raise ValidationError(_("Evidence can only be removed while the self-assessment is open."))
    storage, name = evidence.file.storage, evidence.file.name
    audit_record(chamber=submission.campaign.chamber, actor=actor, action="delete evidence", target=submission,
                 changes={"evidence": [evidence.original_name, None]})
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- Who may fetch a file --------------------------------------------------------------------------

def evidence_list_for_user(*, chamber, user, access):
    """The evidence the user may see from `chamber`'s workspace: of the submissions the
    federation's staff, an assigned reviewer or a branch subject sees there
    (`submission_list_for_federation`), and of an affiliated subject's own submissions
    (`submission_list_for_subject`, the one crossing of the tenant wall)."""
    visible = submission_list_for_federation(chamber=chamber, user=user, access=access)
    own = submission_list_for_subject(chamber=chamber, access=access)
    with scopes_disabled():
        # Both halves are filtered: the federation's own rows, or this subject's own submissions.
        return Evidence.objects.filter(
            Q(chamber=chamber, submission__in=visible.values("pk")) | Q(submission__in=own.values("pk"))
        ).select_related("submission")


def evidence_for_user(pk, *, chamber, user, access):
    """The evidence `pk` if the user may see it from `chamber`'s workspace, else None."""
    return evidence_list_for_user(chamber=chamber, user=user, access=access).filter(pk=pk).first()


def evidence_response(evidence):
    """The file as a download and never anything a browser would render: attachment, the
    type detected at upload, no sniffing, sandboxed, not cached. 404 when the file is gone."""
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=evidence.original_name,
                            content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
