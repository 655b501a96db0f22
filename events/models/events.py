"""Events (会议、培训、考察、招商 …), who may come, who registered and who came, what came of
it, and for meetings of governing bodies: attendance against the officer line-up, quorum,
resolutions and minutes."""
import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chamber.models import MONEY_FIELD, TenantModel
from chamber.uploads import private_storage

__all__ = [
    "EventKind", "GOVERNING_KINDS", "TRAINING_KINDS", "EventStatus", "Audience", "Event", "EventAttachment",
    "EventInvitation", "RegistrationStatus", "Registration", "OutcomeScope", "EventOutcome", "AttendanceStatus",
    "MeetingAttendance", "Resolution", "CalendarToken",
]


class EventKind(models.TextChoices):
    GENERAL_ASSEMBLY = "general_assembly", _("General assembly")
    COUNCIL = "council", _("Council meeting")
    STANDING_COUNCIL = "standing_council", _("Standing council meeting")
    PRESIDENTS_OFFICE = "presidents_office", _("President's office meeting")
    SECRETARIES_GENERAL = "secretaries_general", _("Secretary-general joint meeting")
    SEMINAR = "seminar", _("Seminar")
    TRAINING = "training", _("Training class")
    # The statistics form counts senior-manager classes (item 5) apart from other trainings (item 6).
    MANAGER_TRAINING = "manager_training", _("Senior-manager training class")
    STUDY_TOUR_DOMESTIC = "study_tour_domestic", _("Study tour at home")
    STUDY_TOUR_ABROAD = "study_tour_abroad", _("Study tour abroad")
    INVESTMENT_PROMOTION = "investment_promotion", _("Investment promotion")
    JOB_FAIR = "job_fair", _("Job fair")
    POLICY_BRIEFING = "policy_briefing", _("Policy briefing")
    GOVERNMENT_DIALOGUE = "government_dialogue", _("Government–enterprise dialogue")
    CHARITY_ACTIVITY = "charity_activity", _("Charity activity")
    OTHER = "other", _("Other")


# Meetings of governing bodies: attendance is taken against the line-up and quorum counted.
GOVERNING_KINDS = frozenset({EventKind.GENERAL_ASSEMBLY, EventKind.COUNCIL, EventKind.STANDING_COUNCIL})
# Events whose participants count as "people trained" in the federation's statistics form.
TRAINING_KINDS = frozenset({EventKind.TRAINING, EventKind.MANAGER_TRAINING, EventKind.SEMINAR})


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for registration")
    CLOSED = "closed", _("Registration closed")
    HELD = "held", pgettext_lazy("event status", "Held")
    CANCELLED = "cancelled", _("Cancelled")


class Audience(models.TextChoices):
    ALL_MEMBERS = "all_members", _("All members")
    BRANCH = "branch", _("Members of a branch and below")
    OFFICERS = "officers", _("Officers")
    INVITED = "invited", _("Invited members only")


class Event(TenantModel):
    """A meeting, training, study tour, promotion or other activity organised by the chamber or a branch."""

    title = models.CharField(pgettext_lazy("event", "title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    organiser_branch = models.ForeignKey(
        "branches.Branch", verbose_name=_("organised by branch"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="organised_events", help_text=_("Empty: the chamber itself."),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Empty: no limit. When full, further registrations join the waiting list."),
    )
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, default=Audience.ALL_MEMBERS)
    audience_branch = models.ForeignKey(
        "branches.Branch", verbose_name=_("audience branch"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text=_("For a branch audience: this branch and everything below it."),
    )
    status = models.CharField(_("status"), max_length=20, choices=EventStatus.choices, default=EventStatus.DRAFT)
    agenda = models.TextField(_("agenda"), max_length=10000, blank=True)
    description = models.TextField(_("description"), max_length=10000, blank=True)
    # Governing-body meetings only.
    minutes = models.TextField(_("minutes"), max_length=50000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["chamber", "starts_at", "id"]),
            models.Index(fields=["chamber", "status", "starts_at"]),
            models.Index(fields=["chamber", "kind", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gte=models.F("starts_at")), name="event_dates_ordered"),
            models.CheckConstraint(
                condition=~models.Q(audience="branch") | models.Q(audience_branch__isnull=False),
                name="event_branch_audience_has_branch",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_governing(self):
        return self.kind in GOVERNING_KINDS


def _attachment_path(instance, filename):
    # The stored name never comes from the user.
    return "events/{}/{}/{}".format(instance.chamber_id, instance.event_id, secrets.token_hex(16))


class EventAttachment(TenantModel):
    """A file that goes with an event: the agenda, a notice, slides, the signed minutes."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), storage=private_storage, upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("event attachment")
        verbose_name_plural = _("event attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class EventInvitation(TenantModel):
    """A member invited to an event whose audience is "invited members only"."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="invitations")
    membership = models.ForeignKey(
        "members.Membership", verbose_name=_("member"), on_delete=models.CASCADE, related_name="event_invitations"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["chamber", "event", "membership"], name="invitation_unique"),
        ]

    def __str__(self):
        return f"{self.event} · {self.membership}"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


def registration_code():
    """The code printed under a registration's QR code: 10 characters, unambiguous to type."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _i in range(10))


class Registration(TenantModel):
    """One attendee of an event: a member's person (or a named guest), confirmed, waiting or cancelled.

    Confirmed registrations fill the capacity; the waiting list moves up in order of
    registration when a confirmed one is cancelled. Each carries a code for its QR check-in.
    """

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations")
    membership = models.ForeignKey(
        "members.Membership", verbose_name=_("member"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="event_registrations", help_text=_("Empty for a guest who is not a member."),
    )
    person = models.ForeignKey(
        "members.Person", verbose_name=_("attendee"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="event_registrations",
    )
    # Copied from the person when registered (guests and walk-ins: typed).
    attendee_name = models.CharField(_("attendee name"), max_length=60)
    attendee_mobile = models.CharField(_("mobile"), max_length=11, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RegistrationStatus.choices, default=RegistrationStatus.CONFIRMED
    )
    code = models.CharField(_("check-in code"), max_length=12, default=registration_code, unique=True, editable=False)
    is_walk_in = models.BooleanField(_("walk-in"), default=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["registered_at", "pk"]
        indexes = [
            models.Index(fields=["chamber", "event", "status", "registered_at"]),
            models.Index(fields=["chamber", "membership"]),
        ]
        constraints = [
            # One live registration per person and event (a cancelled one may be followed by a new one).
            models.UniqueConstraint(
                fields=["chamber", "event", "person"],
                condition=models.Q(person__isnull=False) & ~models.Q(status="cancelled"),
                name="registration_one_live_per_person",
            ),
        ]

    def __str__(self):
        return f"{self.attendee_name} · {self.event}"


class OutcomeScope(models.TextChoices):
    DOMESTIC = "domestic", _("Domestic")
    ABROAD = "abroad", _("Abroad")


class EventOutcome(TenantModel):
    """What an event achieved, for the annual report: participants, people trained, deals signed."""

    event = models.OneToOneField(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="outcome")
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    people_trained = models.PositiveIntegerField(_("people trained"), null=True, blank=True)
    deals_signed = models.PositiveIntegerField(_("deals signed"), null=True, blank=True)
    deals_amount = models.DecimalField(
        _("amount of deals signed (CNY)"), **MONEY_FIELD, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    scope = models.CharField(_("domestic or abroad"), max_length=10, choices=OutcomeScope.choices,
                             default=OutcomeScope.DOMESTIC)
    summary = models.TextField(_("summary"), max_length=5000, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("event outcome")
        verbose_name_plural = _("event outcomes")

    def __str__(self):
        return f"{self.event}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    PROXY = "proxy", _("Represented by proxy")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


class MeetingAttendance(TenantModel):
    """Whether one officer of the line-up attended a governing-body meeting (for its quorum)."""

    event = models.ForeignKey(Event, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance")
    position = models.ForeignKey(
        "members.OfficerPosition", verbose_name=_("officer"), on_delete=models.PROTECT, related_name="meeting_attendance"
    )
    status = models.CharField(_("attendance"), max_length=10, choices=AttendanceStatus.choices,
                              default=AttendanceStatus.ABSENT)
    proxy_name = models.CharField(_("proxy"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("meeting attendance")
        verbose_name_plural = _("meeting attendance")
        constraints = [
            models.UniqueConstraint(fields=["chamber", "event", "position"], name="attendance_one_per_officer"),
        ]

    def __str__(self):
        return f"{self.position} · {self.get_status_display()}"


class Resolution(TenantModel):
    """A resolution put to a governing-body meeting, with the vote and whether it passed."""

    event = models.ForeignKey(Event, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="resolutions")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(pgettext_lazy("resolution", "title"), max_length=300)
    text = models.TextField(_("text"), max_length=10000, blank=True)
    votes_for = models.PositiveIntegerField(_("for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("against"), null=True, blank=True)
    abstentions = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=False)

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["chamber", "event", "number"], name="resolution_number_unique"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


def calendar_token():
    return secrets.token_urlsafe(24)


class CalendarToken(models.Model):
    """A user's secret for calendar feeds: calendar apps fetch .ics URLs without signing in.

    The token names the user; the feed shows only what that user may see, and a new token
    (revoking the old URLs) is one click away.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                                related_name="calendar_token")
    token = models.CharField(max_length=40, unique=True, default=calendar_token, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar token")
        verbose_name_plural = _("calendar tokens")

    def __str__(self):
        return f"{self.user} …{self.token[-4:]}"
