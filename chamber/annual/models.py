"""The annual report of a chamber for a year (its inputs and its cached PDF) and the work
records a secretariat keeps through the year for the statistics form's items no other
table can answer (honours, research reports, proposals, analysis reports, publicity,
investment projects)."""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chamber.models import TenantModel
from chamber.uploads import private_storage
from members.models import Level

__all__ = ["WorkRecordKind", "ProposalBody", "Medium", "WorkRecord", "AnnualReport"]


class WorkRecordKind(models.TextChoices):
    HONOUR = "honour", _("Honour received by the chamber")
    RESEARCH_REPORT = "research_report", _("Research report")
    PROPOSAL = "proposal", _("Proposal or motion")
    ANALYSIS_REPORT = "analysis_report", _("Economic analysis report")
    PUBLICITY = "publicity", _("Publicity article")
    INVESTMENT = "investment", _("Investment project attracted")


class ProposalBody(models.TextChoices):
    PEOPLES_CONGRESS = "npc", _("People's congress (motion)")
    CPPCC = "cppcc", _("CPPCC (proposal)")
    PARTY_CONGRESS = "party_congress", _("Party congress")


class Medium(models.TextChoices):
    TV = "tv", _("Television")
    RADIO = "radio", _("Radio")
    NEWSPAPER = "newspaper", _("Newspaper")
    MAGAZINE = "magazine", _("Magazine")
    ONLINE = "online", _("Online media")


class WorkRecord(TenantModel):
    """One piece of the chamber's work that only a person can record: an honour it received,
    a research or analysis report, a proposal to the people's congress or CPPCC, a
    publicity article, an investment project it brought in."""

    kind = models.CharField(_("kind"), max_length=20, choices=WorkRecordKind.choices)
    occurred_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    # Honours and proposals: the level awarding or receiving it.
    level = models.CharField(_("level"), max_length=20, blank=True, choices=Level.choices)
    # Proposals: to which body (people's congress, CPPCC, party congress).
    body = models.CharField(_("submitted to"), max_length=20, blank=True, choices=ProposalBody.choices)
    medium = models.CharField(_("medium"), max_length=20, blank=True, choices=Medium.choices)
    # Investment projects: the amount contracted.
    amount = models.DecimalField(_("amount (CNY)"), max_digits=18, decimal_places=2, null=True, blank=True,
                                 validators=[MinValueValidator(0)])
    outcome = models.CharField(_("outcome"), max_length=500, blank=True,
                               help_text=_("e.g. 获市领导批示, 被采纳, 已签约落地"))
    # Whether the outcome counts as an achievement (adopted, endorsed, signed): the form asks
    # for "count, outcomes" and the report counts these separately.
    achieved = models.BooleanField(_("adopted, endorsed or signed"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                   on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("work record")
        verbose_name_plural = _("work records")
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["chamber", "kind", "occurred_on"], name="workrecord_chamber_kind")]

    def __str__(self):
        return "{} {}".format(self.get_kind_display(), self.title)


def _report_pdf_path(report, filename):
    # `filename` carries the digest of the figures printed (chamber.annual.generation).
    return "annual-reports/{}/{}-{}-{}".format(report.chamber_id, report.year, report.pk, filename)


class AnnualReport(TenantModel):
    """A chamber's annual report for one year: what the secretariat adds by hand (a summary,
    the number of private enterprises above designated size, the items confirmed as none)
    and the rendered PDF, a cache valid while the report's figures keep their digest."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000),
                                                                   MaxValueValidator(2100)])
    summary = models.TextField(_("summary of the year"), max_length=5000, blank=True,
                               help_text=_("Printed after the cover: the year's work in a few paragraphs."))
    above_size_enterprises = models.PositiveIntegerField(
        _("private enterprises above designated size in the area"), null=True, blank=True,
        help_text=_("From the statistics bureau. Needed for the coverage rate; empty: not recorded."),
    )
    # Keys of work-record kinds the secretariat confirmed had nothing this year: the report
    # then prints 0 for them instead of "not recorded".
    none_confirmed = models.JSONField(_("confirmed as none"), default=list, blank=True)
    pdf = models.FileField(_("PDF"), storage=private_storage, upload_to=_report_pdf_path, blank=True,
                           max_length=200)
    pdf_digest = models.CharField(_("digest of the figures printed"), max_length=64, blank=True)
    pdf_rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    render_requested_at = models.DateTimeField(_("rendering asked for at"), null=True, blank=True)
    render_failure = models.CharField(_("why rendering failed"), max_length=500, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"),
                                   on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["chamber", "year"], name="annual_report_per_year")]

    def __str__(self):
        return "{} {}".format(self.chamber_id, self.year)
