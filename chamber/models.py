"""The tenant core: chambers, the roles users hold in them, API keys, the audit log."""
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from .validators import validate_division_code, validate_uscc


class ChamberKind(models.TextChoices):
    FEDERATION = "federation", _("Federation / general chamber")
    INDUSTRY = "industry", _("Industry chamber")
    TOWNSHIP = "township", _("Township or street chamber")
    OUT_OF_TOWN = "out_of_town", _("Out-of-town chamber")
    PARK = "park", _("Park or market chamber")
    OTHER = "other", _("Other chamber")


class ChamberStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    DISSOLVED = "dissolved", _("Dissolved")


class Chamber(models.Model):
    """A chamber of commerce or federation: the tenant that owns every other row."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True, help_text=_("Used in URLs."))
    kind = models.CharField(_("kind"), max_length=20, choices=ChamberKind.choices)
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_uscc]
    )
    registration_authority = models.CharField(_("registration authority"), max_length=200, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    division_code = models.CharField(
        _("administrative division code"),
        max_length=6,
        blank=True,
        validators=[validate_division_code],
    )
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="chamber-logos/", blank=True)
    supervising_federation = models.ForeignKey(
        "self",
        verbose_name=_("supervising federation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="affiliated_chambers",
        help_text=_("The federation sees this chamber's evaluation submissions and aggregate figures, never its roster."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ChamberStatus.choices, default=ChamberStatus.ACTIVE
    )
    self_service_requires_approval = models.BooleanField(
        _("self-service changes wait for approval"), default=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("chamber")
        verbose_name_plural = _("chambers")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"], condition=~models.Q(uscc=""), name="chamber_uscc_unique"
            ),
        ]

    def __str__(self):
        return self.name


class TenantModel(models.Model):
    """Base for every row a chamber owns: carries the chamber and is scoped to it.

    The scoped manager raises on any query made outside `scope(chamber=...)`, so a
    forgotten tenant filter fails in tests instead of leaking in production.
    """

    chamber = models.ForeignKey(
        Chamber, verbose_name=_("chamber"), on_delete=models.CASCADE, related_name="+"
    )

    objects = ScopedManager(chamber="chamber")

    class Meta:
        abstract = True


class RoleKind(models.TextChoices):
    CHAMBER_ADMIN = "chamber_admin", _("Chamber administrator")
    SECRETARIAT = "secretariat", _("Secretariat staff")
    SECRETARIAT_READONLY = "secretariat_readonly", _("Secretariat (read-only)")
    BRANCH_SECRETARY = "branch_secretary", _("Branch secretary")
    TREASURER = "treasurer", _("Treasurer")
    REVIEWER = "reviewer", _("Reviewer")
    MEMBER_REPRESENTATIVE = "member_representative", _("Member representative")
    API_CLIENT = "api_client", _("Read-only API client")


class Role(TenantModel):
    """A role a user holds in a chamber, at its root (no branch) or at a branch and below."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="chamber_roles"
    )
    kind = models.CharField(_("role"), max_length=30, choices=RoleKind.choices)
    branch = models.ForeignKey(
        "branches.Branch",
        verbose_name=_("branch"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
        help_text=_("Empty: the whole chamber. Otherwise this branch and everything below it."),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["chamber", "user", "kind", "branch"], name="role_unique_per_node"
            ),
            models.UniqueConstraint(
                fields=["chamber", "user", "kind"],
                condition=models.Q(branch__isnull=True),
                name="role_unique_at_root",
            ),
        ]
        indexes = [models.Index(fields=["user", "chamber"])]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()}"


class ApiKey(TenantModel):
    """A per-chamber key for systems that pull the roster; read-only by construction.

    Only a SHA-256 digest is stored: keys are 256-bit random, so a slow password hash
    would add latency to every roster request without adding safety.
    """

    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    requests_per_minute = models.PositiveIntegerField(
        _("requests per minute"), default=120,
        help_text=_("Requests beyond this in any minute get 429 Too Many Requests with Retry-After."),
    )

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(raw_key):
        return hashlib.sha256(raw_key.encode()).hexdigest()

    @staticmethod
    def generate():
        """A new raw key `ck_<prefix>.<secret>`; only the caller ever sees it."""
        prefix = secrets.token_hex(4)
        return prefix, f"ck_{prefix}.{secrets.token_urlsafe(32)}"

    @property
    def is_active(self):
        return self.revoked_at is None

    def revoke(self):
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


class AuditEntry(TenantModel):
    """One change to a record (or one read of personal data, one export): who, when, what
    before and after, and why.

    Append-only: the app never edits or deletes an entry. `save` refuses an existing row
    and `delete` refuses always; the admin is read-only; no page or API writes one except
    through chamber.audit. (A chamber deleted outright takes its entries with it.)
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("by (name)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=30)
    target_type = models.CharField(_("record type"), max_length=60)
    target_id = models.CharField(_("record id"), max_length=40)
    target_repr = models.CharField(_("record"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["chamber", "target_type", "target_id", "created_at"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("audit entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("audit entries are never deleted")


class UserPreference(models.Model):
    """A user's own settings that follow them across browsers: for now, the UI language."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="preference"
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")

    def __str__(self):
        return str(self.user)


class NumberSeries(TenantModel):
    """The last number given in one gapless series of a chamber for one year (invoices, receipts).

    A number is taken inside the transaction that saves the numbered record, under a row
    lock on this counter, so a rollback gives the number back and two requests never get
    the same one (chamber.numbering).
    """

    series = models.CharField(_("series"), max_length=30)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")
        constraints = [
            models.UniqueConstraint(fields=["chamber", "series", "year"], name="number_series_unique"),
        ]

    def __str__(self):
        return f"{self.series} {self.year}: {self.last}"


class IdempotencyKey(TenantModel):
    """A money-moving request's Idempotency-Key and the answer it got, replayed on a retry.

    Stored only for requests that succeeded: a refused request may be retried with the same
    key once its input is fixed (chamber.idempotency).
    """

    key = models.CharField(_("key"), max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # What the key was used for: a key sent again with another request is refused.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["chamber", "user", "key"], name="idempotency_key_unique"),
        ]

    def __str__(self):
        return self.key


MONEY_FIELD = {"max_digits": 14, "decimal_places": 2}


def ledger_never_overpaid(name):
    """The database's check that a document is never settled or written off beyond its amount.

    Rounded to the fen: SQLite adds decimals as binary floats (0.05 + 0.01 is not 0.06
    there); PostgreSQL's numeric is exact either way.
    """
    from django.db.models.functions import Round

    return models.CheckConstraint(
        condition=models.Q(settled_amount__gte=0, written_off_amount__gte=0)
        & models.Q(amount__gte=Round(models.F("settled_amount") + models.F("written_off_amount"), 2)),
        name=name,
    )


class LedgerDocument(TenantModel):
    """Base of a money document whose amount is fixed when posted: a dues invoice, a donation pledge.

    What happens to it afterwards is a list of entries (chamber.ledger). The two running
    totals here are caches of those entries, written only by chamber.ledger under a row
    lock on this document, so the balance shown is always the sum of the entries.
    """

    amount = models.DecimalField(_("amount (CNY)"), **MONEY_FIELD)
    settled_amount = models.DecimalField(_("settled (CNY)"), **MONEY_FIELD, default=0, editable=False)
    written_off_amount = models.DecimalField(_("written off (CNY)"), **MONEY_FIELD, default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        abstract = True

    @property
    def outstanding(self):
        return self.amount - self.settled_amount - self.written_off_amount


class EntryKind(models.TextChoices):
    # Each app names them in its own words (payment / received, waiver / pledge withdrawn).
    SETTLEMENT = "settlement", _("Settlement")
    WRITE_OFF = "write_off", _("Write-off")
    REVERSAL = "reversal", _("Reversal")


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CASH = "cash", _("Cash")
    WECHAT_PAY = "wechat_pay", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    GOODS = "goods", _("Goods")
    OTHER = "other", _("Other")


class LedgerEntry(TenantModel):
    """Base of one posted entry on a money document; never edited or deleted, only reversed.

    Settlements and write-offs carry a positive amount; a reversal carries the negative of
    the entry it reverses and points at it (one reversal per entry). Settlements get a
    gapless receipt number. The database refuses UPDATE and DELETE on entry tables.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount (CNY)"), **MONEY_FIELD)
    number = models.CharField(_("receipt number"), max_length=30, blank=True)
    occurred_on = models.DateField(_("date"))
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices, blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    reverses = models.OneToOneField(
        "self", verbose_name=_("reverses"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="reversed_by",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )
    actor_label = models.CharField(_("recorded by (name)"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.number or f"#{self.pk} {self.get_kind_display()} {self.amount}"


# Reminders live in their own module (chamber/reminders/) and are models of this app.
from .reminders.models import *  # noqa: E402,F401,F403
# So do the import batches and the export log (chamber/interchange/).
from .interchange.models import *  # noqa: E402,F401,F403
# And the certificates and document batches (chamber/documents/).
from .documents.models import *  # noqa: E402,F401,F403
# And the annual reports and the work records they draw on (chamber/annual/).
from .annual.models import *  # noqa: E402,F401,F403
