"""Visits to members (走访) and members' requests (诉求) tracked to resolution."""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chamber.models import TenantModel

__all__ = ["Visit", "RequestCategory", "RequestStatus", "REQUEST_TRANSITIONS", "RequestSource", "MemberRequest",
           "RequestNote"]


class Visit(TenantModel):
    """A visit paid to a member by staff or officers: when, who went, what was discussed."""

    membership = models.ForeignKey(
        "members.Membership", verbose_name=_("member"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField(_("visited on"))
    visitors = models.CharField(_("visitors"), max_length=300, help_text=_("Who went, e.g. 秘书长 王明、副会长 李强."))
    officer = models.ForeignKey(
        "members.OfficerPosition", verbose_name=_("leading officer"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="visits",
    )
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["chamber", "visited_on"]), models.Index(fields=["chamber", "membership"])]

    def __str__(self):
        return f"{self.visited_on} {self.membership}"


class RequestCategory(models.TextChoices):
    FINANCING = "financing", _("Financing")
    LEGAL = "legal", _("Legal")
    LAND = "land", _("Land and premises")
    LABOUR = "labour", _("Labour and employment")
    POLICY = "policy", _("Policy")
    TAX = "tax", _("Tax and fees")
    PERMITS = "permits", _("Permits and approvals")
    MARKET = "market", _("Markets and sales")
    TECHNOLOGY = "technology", _("Technology and talent")
    OTHER = "other", _("Other")


class RequestStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    UNRESOLVABLE = "unresolvable", _("Cannot be resolved")


# Which status may follow which; a closed request can be reopened (back to in progress).
REQUEST_TRANSITIONS = {
    RequestStatus.NEW: {RequestStatus.IN_PROGRESS, RequestStatus.RESOLVED, RequestStatus.UNRESOLVABLE},
    RequestStatus.IN_PROGRESS: {RequestStatus.RESOLVED, RequestStatus.UNRESOLVABLE},
    RequestStatus.RESOLVED: {RequestStatus.IN_PROGRESS},
    RequestStatus.UNRESOLVABLE: {RequestStatus.IN_PROGRESS},
}


class RequestSource(models.TextChoices):
    PORTAL = "portal", _("Raised by the member online")
    VISIT = "visit", _("Recorded during a visit")
    STAFF = "staff", _("Recorded by staff")


class MemberRequest(TenantModel):
    """A problem a member asks the chamber to help with (financing, legal, land …), tracked to resolution."""

    membership = models.ForeignKey(
        "members.Membership", verbose_name=_("member"), on_delete=models.PROTECT, related_name="requests"
    )
    source = models.CharField(_("raised"), max_length=10, choices=RequestSource.choices, default=RequestSource.STAFF)
    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="requests")
    category = models.CharField(_("category"), max_length=20, choices=RequestCategory.choices)
    title = models.CharField(pgettext_lazy("request", "title"), max_length=200)
    description = models.TextField(pgettext_lazy("request", "description"), max_length=5000)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned to (staff)"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="assigned_requests",
    )
    assignee_officer = models.ForeignKey(
        "members.OfficerPosition", verbose_name=_("assigned to (officer)"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="assigned_requests",
    )
    due_on = models.DateField(pgettext_lazy("request", "due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.NEW)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("member's rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.CharField(_("member's comment"), max_length=500, blank=True)
    is_typical = models.BooleanField(_("typical case"), default=False)
    typical_summary = models.TextField(_("typical case summary"), max_length=5000, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("raised at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("member request")
        verbose_name_plural = _("member requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The board: open requests by status, soonest due first.
            models.Index(fields=["chamber", "status", "due_on", "id"]),
            models.Index(fields=["chamber", "membership", "created_at"]),
            models.Index(fields=["chamber", "created_at", "id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="request_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status in (RequestStatus.NEW, RequestStatus.IN_PROGRESS)

    def is_overdue(self, today=None):
        return self.is_open and self.due_on is not None and self.due_on < (today or timezone.localdate())


class RequestNote(TenantModel):
    """A step in a request's handling: a note, and the status it moved from and to (if it moved)."""

    request = models.ForeignKey(MemberRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("note"), max_length=5000)
    status_from = models.CharField(_("from"), max_length=20, choices=RequestStatus.choices, blank=True)
    status_to = models.CharField(_("to"), max_length=20, choices=RequestStatus.choices, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    author_label = models.CharField(_("by"), max_length=150, blank=True)
    # The member's own notes (from the portal) are shown as theirs.
    by_member = models.BooleanField(_("by the member"), default=False)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("request note")
        verbose_name_plural = _("request notes")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["chamber", "request", "created_at"])]

    def __str__(self):
        return self.text[:50]
