"""Certificates, the per-chamber templates they are printed with, and batches that render
many at once."""
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chamber.models import TenantModel
from chamber.uploads import private_storage

__all__ = [
    "CertificateKind", "Orientation", "CertificateTemplate", "Certificate", "DocumentBatchStatus",
    "DocumentBatchKind", "DocumentBatch",
]


class CertificateKind(models.TextChoices):
    RATING = "rating", _("Rating award certificate")
    MEMBERSHIP = "membership", _("Membership certificate")
    APPOINTMENT = "appointment", _("Officer appointment letter")


class Orientation(models.TextChoices):
    PORTRAIT = "portrait", _("A4 portrait")
    LANDSCAPE = "landscape", _("A4 landscape")


def _template_image_path(template, filename):
    return "certificate-templates/{}/{}".format(template.chamber_id, filename)


class CertificateTemplate(TenantModel):
    """How a chamber prints one kind of certificate: its title, wording, signatory, colours,
    logo and seal, on A4 portrait or landscape."""

    kind = models.CharField(_("kind"), max_length=20, choices=CertificateKind.choices)
    orientation = models.CharField(_("paper"), max_length=10, choices=Orientation.choices,
                                   default=Orientation.LANDSCAPE)
    title = models.CharField(_("title"), max_length=60, help_text=_("e.g. 荣誉证书, 会员证书, 聘书"))
    wording = models.TextField(
        _("wording"), max_length=1000,
        help_text=_("The body text. Placeholders: {holder}, {title}, {issuer}, {valid_until}, {issued_on}."),
    )
    signatory = models.CharField(_("signatory"), max_length=100, blank=True, help_text=_("e.g. 会长 张三"))
    issuer_name = models.CharField(_("issuer name"), max_length=200, blank=True,
                                   help_text=_("Empty: the chamber's name."))
    colour = models.CharField(_("accent colour"), max_length=7, default="#b22222",
                              help_text=_("A hex colour, e.g. #b22222."))
    logo = models.ImageField(_("logo"), storage=private_storage, upload_to=_template_image_path, blank=True)
    seal = models.ImageField(_("seal image"), storage=private_storage, upload_to=_template_image_path, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        constraints = [models.UniqueConstraint(fields=["chamber", "kind"], name="certificate_template_per_kind")]

    def __str__(self):
        return "{} {}".format(self.get_kind_display(), self.title)


def _new_code():
    return secrets.token_urlsafe(12)


def _certificate_pdf_path(certificate, filename):
    return "certificates/{}/{}.pdf".format(certificate.chamber_id, certificate.code)


class Certificate(TenantModel):
    """One issued certificate: what it certifies, to whom, by whom and until when, with a
    unique number and a secret code its QR code opens at /verify/<code>. The rendered PDF is
    a cache, dropped when the certificate or its template changes."""

    kind = models.CharField(_("kind"), max_length=20, choices=CertificateKind.choices)
    number = models.CharField(_("certificate number"), max_length=30)
    code = models.CharField(_("verification code"), max_length=20, unique=True, default=_new_code, editable=False)
    holder_name = models.CharField(_("holder"), max_length=200)
    title = models.CharField(_("title"), max_length=200, help_text=_("What is certified, e.g. 五星级商会."))
    issuer_name = models.CharField(_("issuer"), max_length=200)
    issued_on = models.DateField(_("issued on"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    rating = models.ForeignKey("evaluations.Rating", verbose_name=_("rating"), on_delete=models.PROTECT,
                               null=True, blank=True, related_name="certificates")
    membership = models.ForeignKey("members.Membership", verbose_name=_("member"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="certificates")
    officer_position = models.ForeignKey("members.OfficerPosition", verbose_name=_("officer post"),
                                         on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="certificates")
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=500, blank=True)
    pdf = models.FileField(_("PDF"), storage=private_storage, upload_to=_certificate_pdf_path, blank=True,
                           max_length=200)
    pdf_rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"),
                                   on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["chamber", "number"], name="certificate_number_unique")]
        indexes = [models.Index(fields=["chamber", "kind", "-issued_on"], name="certificate_chamber_kind")]

    def __str__(self):
        return "{} {}".format(self.number, self.holder_name)


class DocumentBatchStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Rendering")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


def _batch_zip_path(batch, filename):
    return "document-batches/{}/{}.zip".format(batch.chamber_id, batch.pk)


class DocumentBatchKind(models.TextChoices):
    CERTIFICATES = "certificates", _("Certificates")
    ANNUAL_REPORTS = "annual_reports", _("Annual reports")


class DocumentBatch(TenantModel):
    """Many documents rendered at once (every certificate of a campaign, or the annual
    reports of every chamber a federation supervises), with progress, and the zip of them
    all to download."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentBatchKind.choices,
                            default=DocumentBatchKind.CERTIFICATES)
    certificates = models.ManyToManyField(Certificate, verbose_name=_("certificates"), related_name="batches",
                                          blank=True)
    # The annual reports belong to the supervised chambers, not to the batch's federation:
    # read across the wall on purpose (chamber/annual/batches.py).
    annual_reports = models.ManyToManyField("chamber.AnnualReport", verbose_name=_("annual reports"),
                                            related_name="batches", blank=True)
    total = models.PositiveIntegerField(_("documents"), default=0)
    done = models.PositiveIntegerField(_("rendered"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=DocumentBatchStatus.choices,
                              default=DocumentBatchStatus.PENDING)
    zip_file = models.FileField(_("zip"), storage=private_storage, upload_to=_batch_zip_path, blank=True,
                                max_length=200)
    failure = models.CharField(_("why it failed"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("document batch")
        verbose_name_plural = _("document batches")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title
