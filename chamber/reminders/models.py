"""Reminder rules, a chamber's lead times, a user's preferences, and deliveries (the inbox)."""
import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chamber.models import TenantModel

__all__ = ["ReminderRule", "DEFAULT_LEAD_DAYS", "ReminderSettings", "DeliveryStatus", "Delivery",
           "ReminderPreference"]


class ReminderRule(models.TextChoices):
    CAMPAIGN_DEADLINE = "campaign_deadline", _("Evaluation deadlines for subjects that have not submitted")
    REVIEW_PENDING = "review_pending", _("Unscored assignments for reviewers")
    RATING_EXPIRY = "rating_expiry", _("Ratings about to expire")
    TERM_END = "term_end", _("Officer terms ending")
    DUES_DUE = "dues_due", _("Dues falling due")
    DUES_OVERDUE = "dues_overdue", _("Dues overdue")
    EVENT_SOON = "event_soon", _("Events the registrant attends soon")
    REQUEST_OVERDUE = "request_overdue", _("Member requests past their due date")
    SELF_SERVICE_DIGEST = "self_service_digest", _("Daily digest of self-service changes waiting for approval")


# Days before the date a rule watches (after it, for the "overdue" rules), per rule. A
# chamber may set its own in ReminderSettings.lead_days.
DEFAULT_LEAD_DAYS = {
    ReminderRule.CAMPAIGN_DEADLINE: [14, 7, 1],
    ReminderRule.REVIEW_PENDING: [14, 7, 1],
    ReminderRule.RATING_EXPIRY: [90, 30],
    ReminderRule.TERM_END: [180, 60],
    ReminderRule.DUES_DUE: [30, 7],
    ReminderRule.DUES_OVERDUE: [1, 30],
    ReminderRule.EVENT_SOON: [1],
    ReminderRule.REQUEST_OVERDUE: [1, 7],
    ReminderRule.SELF_SERVICE_DIGEST: [0],
}


class ReminderSettings(TenantModel):
    """A chamber's reminder lead times, switched-off rules and the hour reminders go out."""

    lead_days = models.JSONField(_("lead times (days)"), default=dict, blank=True,
                                 help_text=_("Per rule, the days before (or after) its date; empty: the defaults."))
    disabled_rules = models.JSONField(_("rules switched off"), default=list, blank=True)
    send_time = models.TimeField(_("sent at"), default=datetime.time(9, 0),
                                 help_text=_("Reminders go out at this time (Asia/Shanghai) on their day."))

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")
        constraints = [models.UniqueConstraint(fields=["chamber"], name="reminder_settings_one_per_chamber")]

    def __str__(self):
        return str(self.chamber_id)

    def days_for(self, rule):
        days = (self.lead_days or {}).get(rule)
        return sorted({int(d) for d in days}, reverse=True) if days else list(DEFAULT_LEAD_DAYS[rule])

    def is_enabled(self, rule):
        return rule not in (self.disabled_rules or [])


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("reminder delivery", "Waiting to be sent")
    SENDING = "sending", pgettext_lazy("reminder delivery", "Being sent")
    SENT = "sent", pgettext_lazy("reminder delivery", "Sent")
    FAILED = "failed", pgettext_lazy("reminder delivery", "Failed")


class Delivery(TenantModel):
    """One reminder to one recipient for one occasion; in their inbox, and by email if they want.

    (chamber, rule, subject, recipient, occasion) is unique: the scan inserts with ON CONFLICT
    DO NOTHING, so a rerun, a second beat or a redelivered task cannot make a second one. The
    send claims the row (pending → sending) with a conditional update before anything goes out.
    """

    rule = models.CharField(_("rule"), max_length=30, choices=ReminderRule.choices)
    subject_type = models.CharField(_("about"), max_length=60)
    subject_id = models.CharField(_("about (id)"), max_length=40)
    occasion = models.CharField(_("occasion"), max_length=40, help_text=_("e.g. the date watched and the lead time"))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="reminder_deliveries")
    language = models.CharField(_("language"), max_length=10)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("message"), max_length=5000, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    due_at = models.DateTimeField(_("due at"))
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    emailed = models.BooleanField(_("emailed"), default=False)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder delivery")
        verbose_name_plural = _("reminder deliveries")
        ordering = ["-due_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["chamber", "rule", "subject_type", "subject_id", "recipient", "occasion"],
                                    name="delivery_once_per_occasion"),
        ]
        indexes = [
            # The dispatcher: what is waiting and due, across chambers.
            models.Index(fields=["status", "due_at"]),
            # The inbox and its unread count.
            models.Index(fields=["recipient", "read_at", "status"]),
            models.Index(fields=["chamber", "status", "due_at"]),
            # A scan's own rows: those due at its send time on its day.
            models.Index(fields=["chamber", "due_at"]),
        ]

    def __str__(self):
        return self.title

    @property
    def key(self):
        return "{}:{}:{}:{}:{}:{}".format(self.chamber_id, self.rule, self.subject_type, self.subject_id,
                                          self.recipient_id, self.occasion)


class ReminderPreference(models.Model):
    """Whether a user wants one rule's reminders by email, and in the inbox."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="reminder_preferences")
    rule = models.CharField(_("rule"), max_length=30, choices=ReminderRule.choices)
    by_email = models.BooleanField(_("by email"), default=True)
    in_inbox = models.BooleanField(_("in the inbox"), default=True)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")
        constraints = [models.UniqueConstraint(fields=["user", "rule"], name="reminder_preference_unique")]

    def __str__(self):
        return f"{self.user} {self.rule}"
