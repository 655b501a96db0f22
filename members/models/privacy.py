"""Consent to the processing of a person's data (PIPL art. 13–14), kept as a history."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chamber.models import TenantModel

from .roster import Person


class ConsentAction(models.TextChoices):
    GIVEN = "given", _("Consent given")
    WITHDRAWN = "withdrawn", _("Consent withdrawn")


class ConsentBasis(models.TextChoices):
    # The secretariat obtained it (a signed form, an e-mail) and records that it has it.
    RECORDED = "recorded", _("Obtained by the secretariat")
    # The person confirmed it themselves in the member portal.
    SELF = "self", _("Confirmed by the person")


class PersonConsent(TenantModel):
    """One giving or withdrawal of a person's consent: who recorded it, when, on what basis,
    to which version of the notice. Append-only: the latest row is the person's state."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="consents")
    action = models.CharField(_("consent"), max_length=10, choices=ConsentAction.choices)
    basis = models.CharField(_("basis"), max_length=10, choices=ConsentBasis.choices)
    text_version = models.CharField(_("notice version"), max_length=20)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("personal data consent")
        verbose_name_plural = _("personal data consents")
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["chamber", "person", "recorded_at"])]

    def __str__(self):
        return f"{self.person} {self.get_action_display()} {self.recorded_at:%Y-%m-%d}"
