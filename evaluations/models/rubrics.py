"""Rubrics: a scheme (star rating, "four good" ...) has versions; a version is a tree of
indicators with points, and grade rules that turn a total into a grade.

A version is frozen as soon as a campaign uses it (`frozen_at`): the scores of a campaign
must always be read against the rubric they were given under. Changing the criteria
means a new version, so the 2017 and 2019 "four good" criteria live side by side.
"""
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from chamber.models import TenantModel

POINTS = {"max_digits": 8, "decimal_places": 2}


class SchemeKind(models.TextChoices):
    STAR_RATING = "star_rating", _("Star rating of grassroots chambers")
    FOUR_GOOD = "four_good", _("\"Four good\" chamber")
    FIVE_GOOD = "five_good", _("\"Five good\" county federation")
    SOCIAL_ORG_GRADE = "social_org_grade", _("Social organisation grade (1A–5A)")
    OTHER = "other", _("Other evaluation")


class Scheme(TenantModel):
    """An evaluation a federation runs, e.g. its star rating of grassroots chambers."""

    kind = models.CharField(_("kind"), max_length=30, choices=SchemeKind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["chamber", "name"], name="scheme_name_unique")]

    def __str__(self):
        return self.name


class SchemeVersion(TenantModel):
    """One edition of a scheme's rubric: its indicators, grade rules and validity."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="versions")
    label = models.CharField(_("version"), max_length=60, help_text=_("For example 2019 or 第二版."))
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    max_points = models.DecimalField(
        _("maximum points"), **POINTS, validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("The full score of the base indicators, without bonus points."),
    )
    bonus_cap = models.DecimalField(
        _("bonus cap"), **POINTS, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Bonus items add points up to this cap."),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("validity (months)"), default=36, validators=[MinValueValidator(1)],
        help_text=_("How long a rating awarded under this version stays valid."),
    )
    frozen_at = models.DateTimeField(
        _("frozen at"), null=True, blank=True, editable=False,
        help_text=_("Set when a campaign first uses the version; a frozen version cannot be edited."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scheme version")
        verbose_name_plural = _("scheme versions")
        ordering = ["scheme", "-effective_from", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["chamber", "scheme", "label"], name="scheme_version_label_unique")
        ]

    def __str__(self):
        return f"{self.scheme} · {self.label}"

    @property
    def is_frozen(self):
        return self.frozen_at is not None


class ScoringMode(models.TextChoices):
    GRADED = "graded", _("Graded options")
    POINTS = "points", _("Points with a reason for each deduction")
    YES_NO = "yes_no", _("Yes or no")


class Indicator(TenantModel):
    """One node of a version's rubric: an aspect, an item or a sub-item, to any depth.

    Only leaves are scored; a parent's points are the sum of its children's.
    `sort_key` ("001.003.002") orders the whole tree depth-first in one query.
    """

    version = models.ForeignKey(
        SchemeVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="indicators"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    sort_key = models.CharField(max_length=120, editable=False, default="")
    depth = models.PositiveSmallIntegerField(_("depth"), editable=False, default=1)
    code = models.CharField(_("number"), max_length=20, blank=True, help_text=_("For example 1.2.3."))
    title = models.CharField(_("title"), max_length=300)
    guidance = models.TextField(_("scoring guidance"), blank=True)
    evidence_required = models.TextField(_("evidence required"), blank=True)
    max_points = models.DecimalField(_("maximum points"), **POINTS, default=Decimal("0"),
                                     validators=[MinValueValidator(Decimal("0"))])
    mode = models.CharField(_("scoring mode"), max_length=20, choices=ScoringMode.choices, default=ScoringMode.POINTS)
    # Graded mode: the allowed scores, e.g. ["20", "15", "0"] (strings: exact decimals in JSON).
    options = models.JSONField(_("graded options"), default=list, blank=True)
    is_veto = models.BooleanField(
        _("veto item (一票否决)"), default=False,
        help_text=_("Answered yes or no; a no fails the subject outright, whatever its points."),
    )
    is_bonus = models.BooleanField(
        _("bonus item"), default=False, help_text=_("Adds points beyond the full score, up to the version's bonus cap."),
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["version", "sort_key", "pk"]
        indexes = [models.Index(fields=["chamber", "version", "sort_key"])]

    def __str__(self):
        return f"{self.code} {self.title}".strip()


class GradeRule(TenantModel):
    """A grade a total earns: at least `min_total` points, and a prerequisite rating held
    long enough (four stars only after holding three stars for at least a year)."""

    version = models.ForeignKey(
        SchemeVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="grade_rules"
    )
    # Unique per chamber and version (grade_rule_code_unique): no index of its own.
    code = models.SlugField(_("code"), max_length=30, db_index=False)
    label = models.CharField(_("grade"), max_length=60)
    level = models.PositiveSmallIntegerField(_("level"), help_text=_("Higher is better, e.g. 5 for five stars."))
    min_total = models.DecimalField(_("minimum total"), **POINTS)
    requires_level = models.PositiveSmallIntegerField(
        _("requires a held rating of level"), null=True, blank=True,
        help_text=_("Empty: no prerequisite."),
    )
    requires_held_days = models.PositiveSmallIntegerField(_("held for at least (days)"), default=0)

    class Meta:
        verbose_name = _("grade rule")
        verbose_name_plural = _("grade rules")
        ordering = ["version", "-level", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["chamber", "version", "code"], name="grade_rule_code_unique"),
            models.UniqueConstraint(fields=["chamber", "version", "level"], name="grade_rule_level_unique"),
        ]

    def __str__(self):
        return self.label
