"""Evidence (凭证): the documents a subject uploads to prove its self-assessment.

Files are checked by content (chamber.uploads: PDF, images, Office documents only), go to
the private storage under a name made of their hash, and are only ever served as
downloads, by a view that checks who asks (`evidence_for_user`).
"""
import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from chamber.audit import audit_record
from chamber.uploads import download_response, upload_check

from .models import Evidence
from .selectors import submission_list_for_federation, submission_list_for_subject
from .transitions import SELF_ASSESSMENT_OPEN

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
    upload = upload_check(file, default_stem="evidence")
    evidence = Evidence(
        chamber_id=submission.chamber_id, submission=submission, indicator=indicator,
        original_name=upload.original_name, content_type=upload.content_type, size=len(upload.content),
        sha256=hashlib.sha256(upload.content).hexdigest(),
        note=note, uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    # The file is written first (its name comes from the storage); should the row not be
    # saved, the file goes too. A caller's transaction rolled back later leaves an orphan
    # file in the private storage, never a row without its file.
    evidence.file.save("upload", ContentFile(upload.content), save=False)
    try:
        evidence.save()
        audit_record(chamber=submission.campaign.chamber, actor=actor, action="upload evidence", target=submission,
                     changes={"evidence": [None, evidence.original_name]})
    except Exception:
        evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


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
    """The evidence file as a download (chamber.uploads.download_response)."""
    return download_response(evidence.file, filename=evidence.original_name, content_type=evidence.content_type)
