"""Document batches: every certificate of an evaluations campaign, or the annual reports of
every chamber under a federation (chamber/annual/batches.py), rendered at once, with
progress the page can poll, and one zip of them all.

`batch_create_for_campaign` issues (or reuses) the certificate of every rating the campaign
awarded and records the batch; a worker then runs `batch_render`. Rendering is idempotent
and lock-free: each PDF is cached on its certificate row (services.certificate_pdf), the
progress only ever moves forward (a conditional UPDATE), and of two deliveries of the same
task only one may turn the batch READY (the other discards its zip). A worker killed
mid-batch (acks_late redelivers the task) resumes where the cache left off.
"""
import logging
import re
import tempfile
import zipfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from chamber.access import CERTIFICATES_MANAGE
from chamber.audit import audit_record

from .models import Certificate, DocumentBatch, DocumentBatchKind, DocumentBatchStatus

__all__ = ["batch_create_for_campaign", "batch_render", "batch_zip_entry_name", "safe_file_name", "PROGRESS_EVERY"]

logger = logging.getLogger(__name__)

# How often the page's progress moves: one UPDATE per this many documents keeps the
# writes cheap next to a ~0.1 s render while the bar still moves every second or so.
PROGRESS_EVERY = 5

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_file_name(name):
    """`name` with what file systems refuse replaced, at most 150 characters (names are free text)."""
    return _UNSAFE.sub("_", name).strip(" .")[:150]


def batch_zip_entry_name(certificate):
    """`<number>_<holder>.pdf`."""
    return safe_file_name("{}_{}".format(certificate.number, certificate.holder_name)) + ".pdf"


def _awarded_ratings(campaign):
    from evaluations.models import Rating, RatingStatus

    return (Rating.objects.filter(chamber_id=campaign.chamber_id, campaign=campaign, status=RatingStatus.ACTIVE)
            .order_by("subject_name", "pk"))


def batch_create_for_campaign(campaign, actor, access):
    """Issue (or reuse) the certificate of every rating `campaign` awarded that still holds,
    and record a batch of them; its rendering is sent to a worker once this commits.
    Raises ValidationError when the campaign awarded nothing (yet)."""
    from .services import certificate_issue_for_rating

    if not access.has(CERTIFICATES_MANAGE):
        raise PermissionDenied
    chamber_id = campaign.chamber_id
    with transaction.atomic():
        ratings = list(_awarded_ratings(campaign))
        if not ratings:
            raise ValidationError(_("“{campaign}” has awarded no ratings yet: there are no certificates to "
                                    "print.").format(campaign=campaign.name))
        existing = {}
        for certificate in (Certificate.objects.filter(chamber_id=chamber_id, rating__in=ratings, revoked_at=None)
                            .order_by("pk")):
            existing.setdefault(certificate.rating_id, certificate)
        certificates = [existing.get(r.pk) or certificate_issue_for_rating(rating=r, actor=actor)
                        for r in ratings]
        batch = DocumentBatch.objects.create(
            chamber_id=chamber_id, title=_("Certificates of {campaign}").format(campaign=campaign.name),
            total=len(certificates), created_by=actor,
        )
        batch.certificates.set(certificates)
        audit_record(chamber=campaign.chamber, actor=actor, action="create", target=batch,
                     changes={"campaign": campaign.name, "certificates": len(certificates)})
        from .tasks import document_batch_render

        # robust: Redis down must not turn the committed request into a 500 (issue 10, faults).
        transaction.on_commit(lambda: document_batch_render.delay(batch.pk), robust=True)
    return batch


def batch_render(batch_id):
    """Render every certificate of the batch and zip them (the task's body). Returns the
    batch's status afterwards, or None when there is no such batch."""
    with scopes_disabled():
        batch = DocumentBatch.objects.select_related("chamber").filter(pk=batch_id).first()
    if batch is None:
        return None
    with scope(chamber=batch.chamber):
        if batch.status in (DocumentBatchStatus.READY, DocumentBatchStatus.FAILED):
            return batch.status  # a redelivered message after the work was done
        DocumentBatch.objects.filter(pk=batch.pk, status=DocumentBatchStatus.PENDING).update(
            status=DocumentBatchStatus.RUNNING)
        try:
            _render_and_zip(batch)
        except Exception as exc:
            logger.exception("document batch %s failed", batch.pk)
            DocumentBatch.objects.filter(pk=batch.pk, status=DocumentBatchStatus.RUNNING).update(
                status=DocumentBatchStatus.FAILED, finished_at=timezone.now(),
                failure=_("The documents could not be made ({error}). Try again, or ask the "
                          "administrator.").format(error=exc.__class__.__name__)[:500])
        return DocumentBatch.objects.filter(pk=batch.pk).values_list("status", flat=True).first()


def _progress(batch, done):
    """Move the page's counter forward, never back (a resumed or duplicate run restarts at 0)."""
    DocumentBatch.objects.filter(pk=batch.pk, status=DocumentBatchStatus.RUNNING, done__lt=done).update(done=done)


def _certificate_documents(batch):
    """(zip entry name, key, render) for each certificate of the batch."""
    from .services import certificate_pdf

    for certificate in batch.certificates.order_by("number", "pk"):
        yield batch_zip_entry_name(certificate), certificate.pk, lambda c=certificate: certificate_pdf(c)


def _render_and_zip(batch):
    """Render each document into one zip. A document whose render returns None (an annual
    report that could not be printed; its row says why) is left out and named in a list
    at the end of the zip."""
    if batch.kind == DocumentBatchKind.ANNUAL_REPORTS:
        from chamber.annual.batches import annual_report_documents

        documents = list(annual_report_documents(batch))
        # An annual report takes seconds: the bar moves after each one.
        every = 1
    else:
        documents = list(_certificate_documents(batch))
        every = PROGRESS_EVERY
    names, missing = set(), []
    with tempfile.TemporaryFile() as handle:
        # PDFs are compressed already: storing them keeps the zip quick to write.
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED) as archive:
            for n, (name, key, render) in enumerate(documents, start=1):
                data = render()
                if data is None:
                    missing.append(name)
                else:
                    if name in names:  # two documents of the same name: keep both
                        name = "{}_{}.pdf".format(name[:-4], key)
                    names.add(name)
                    archive.writestr(name, data)
                if n % every == 0:
                    _progress(batch, n)
            if missing:
                archive.writestr(_("Not printed.txt"), "\n".join(missing) + "\n")
        handle.seek(0)
        batch.zip_file.save("batch.zip", File(handle), save=False)
    finished = DocumentBatch.objects.filter(pk=batch.pk, status=DocumentBatchStatus.RUNNING).update(
        status=DocumentBatchStatus.READY, done=len(documents), total=len(documents),
        zip_file=batch.zip_file.name, finished_at=timezone.now(), failure="")
    if not finished:  # another delivery of the task finished first: keep its zip, drop ours
        batch.zip_file.delete(save=False)
