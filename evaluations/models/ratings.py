"""The ratings register: who holds which rating, since when and until when."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chamber.models import TenantModel

from .campaigns import Campaign, Submission
from .rubrics import Scheme, SchemeVersion


class RatingStatus(models.TextChoices):
    ACTIVE = "active", _("Held")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded")


class Rating(TenantModel):
    """A grade a federation awarded a subject, valid until a date: one row of the register.

    Awarded by a campaign, or recorded by hand for a grade awarded elsewhere (a district
    federation's three stars, which the city's four-star prerequisite looks for).
    """

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="ratings")
    version = models.ForeignKey(
        SchemeVersion, verbose_name=_("version"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, null=True, blank=True, related_name="ratings"
    )
    submission = models.OneToOneField(
        Submission, verbose_name=_("submission"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="rating",
    )
    subject_chamber = models.ForeignKey(
        "chamber.Chamber", verbose_name=_("subject chamber"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="ratings_held",
    )
    subject_branch = models.ForeignKey(
        "branches.Branch", verbose_name=_("subject sub-chamber"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="ratings_held",
    )
    subject_name = models.CharField(_("subject"), max_length=200)
    level = models.PositiveSmallIntegerField(_("level"))
    grade_label = models.CharField(_("grade"), max_length=60)
    total = models.DecimalField(_("total"), max_digits=8, decimal_places=2, null=True, blank=True)
    awarded_on = models.DateField(_("awarded on"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(_("status"), max_length=20, choices=RatingStatus.choices, default=RatingStatus.ACTIVE)
    awarded_by = models.CharField(
        _("awarded by"), max_length=200, blank=True,
        help_text=_("Who awarded a grade recorded by hand, e.g. a district federation."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-awarded_on", "subject_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(subject_chamber__isnull=True) ^ models.Q(subject_branch__isnull=True)),
                name="rating_one_subject",
            ),
            models.CheckConstraint(condition=models.Q(valid_until__gte=models.F("awarded_on")),
                                   name="rating_valid_after_award"),
        ]
        indexes = [
            models.Index(fields=["chamber", "status", "valid_until"]),
            models.Index(fields=["chamber", "scheme", "subject_branch"]),
            # A chamber's own ratings, looked up from its workspace and by its federation.
            models.Index(fields=["subject_chamber", "scheme"]),
        ]

    def __str__(self):
        return f"{self.subject_name} · {self.grade_label}"
