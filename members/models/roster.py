"""Member enterprises and their people, memberships with their history, annual figures,
officers by term, rotating chairs and liaison assignments."""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from guardian.models import UserObjectPermissionBase

from chamber.crypto import DigestField, EncryptedCharField, id_number_digest
from chamber.models import TenantModel
from chamber.validators import (
    validate_division_code,
    validate_id_number,
    validate_industry_code,
    validate_mobile,
    validate_uscc,
)

MONEY = {"max_digits": 18, "decimal_places": 2}


class Enterprise(TenantModel):
    """An organisation known to the chamber: a member enterprise, or a member chamber (group member)."""

    name = models.CharField(_("name"), max_length=200)
    name_initials = models.CharField(
        _("pinyin initials"), max_length=200, blank=True, editable=False, db_index=True,
        help_text=_("Filled from the name, so 'szgd' finds 苏州光电…"),
    )
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_uscc]
    )
    legal_representative = models.CharField(_("legal representative"), max_length=60, blank=True)
    industry_code = models.CharField(
        _("industry (GB/T 4754)"), max_length=5, blank=True, validators=[validate_industry_code]
    )
    division_code = models.CharField(
        _("administrative division code"), max_length=6, blank=True, validators=[validate_division_code]
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    registered_capital = models.DecimalField(
        _("registered capital (CNY)"), **MONEY, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["chamber", "uscc"], condition=~models.Q(uscc=""), name="enterprise_uscc_unique_in_chamber"
            ),
        ]
        indexes = [models.Index(fields=["chamber", "name"])]

    def __str__(self):
        return self.name


class EnterpriseUserObjectPermission(UserObjectPermissionBase):
    """guardian grant on one enterprise (a member representative's own), direct foreign key."""

    content_object = models.ForeignKey(Enterprise, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("enterprise permission")
        verbose_name_plural = _("enterprise permissions")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class PoliticalAffiliation(models.TextChoices):
    CPC = "cpc", _("CPC member")
    CPC_PROBATIONARY = "cpc_probationary", _("CPC probationary member")
    CYL = "cyl", _("Communist Youth League member")
    DEMOCRATIC_PARTY = "democratic_party", _("Member of a democratic party")
    NON_PARTY = "non_party", _("Non-party personage")
    MASSES = "masses", _("Ordinary citizen")


class PersonQuerySet(models.QuerySet):
    def with_id_number(self, chamber, id_number):
        """The chamber's people with this (normalised) ID number: by digest, since the
        column itself holds random ciphertext."""
        return self.filter(chamber=chamber, id_number_digest=id_number_digest(id_number)) if id_number else self.none()


class Person(TenantModel):
    """A person known to the chamber: a contact, an officer, an individual member."""

    name = models.CharField(_("name"), max_length=60)
    name_initials = models.CharField(_("pinyin initials"), max_length=60, blank=True, editable=False)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True, validators=[validate_mobile])
    email = models.EmailField(_("email"), blank=True)
    # Encrypted at rest (chamber/crypto.py); code sees the plain number. Never filter on it:
    # look up by `id_number_digest` (Person.objects.with_id_number).
    id_number = EncryptedCharField(
        _("resident ID number"), max_length=18, blank=True, validators=[validate_id_number]
    )
    id_number_digest = DigestField(_("ID number digest"), source="id_number")
    political_affiliation = models.CharField(
        _("political affiliation"), max_length=20, choices=PoliticalAffiliation.choices, blank=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("login"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set by members.privacy.person_anonymise; an anonymised person's details are gone.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    objects = ScopedManager(chamber="chamber", _manager_class=models.Manager.from_queryset(PersonQuerySet))

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "pk"]
        constraints = [
            # One ID number per chamber, checked on the digest (the ciphertext differs each time).
            models.UniqueConstraint(
                fields=["chamber", "id_number_digest"], condition=~models.Q(id_number_digest=""),
                name="person_id_number_unique_in_chamber",
            ),
        ]
        indexes = [models.Index(fields=["chamber", "name"]), models.Index(fields=["chamber", "mobile"])]

    def __str__(self):
        return self.name

    @cached_property
    def consent_state(self):
        """The latest PersonConsent row (members.privacy), or None: one query, cached."""
        return self.consents.order_by("-recorded_at", "-pk").first()


class Contact(TenantModel):
    """A person's role at an enterprise (legal representative, contact, secretary …)."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="contacts")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="contacts")
    title = models.CharField(_("title"), max_length=60, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["chamber", "enterprise", "person"], name="contact_unique"),
        ]

    def __str__(self):
        return f"{self.person} @ {self.enterprise}"


class Body(models.TextChoices):
    PEOPLES_CONGRESS = "npc", _("People's congress deputy")
    CPPCC = "cppcc", _("CPPCC member")
    PARTY_CONGRESS = "party_congress", _("Party congress delegate")


class Level(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")
    COUNTY = "county", _("County")


class RepresentativePost(TenantModel):
    """A political post held by a person: people's congress, CPPCC or party congress, by level and term."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="representative_posts")
    body = models.CharField(_("body"), max_length=20, choices=Body.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    term = models.CharField(_("term"), max_length=30, help_text=_("e.g. 第十四届"))
    started_year = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True)
    ended_year = models.PositiveSmallIntegerField(_("until year"), null=True, blank=True)

    class Meta:
        verbose_name = _("representative post")
        verbose_name_plural = _("representative posts")
        ordering = ["person", "body", "level"]

    def __str__(self):
        return f"{self.get_level_display()}{self.get_body_display()} {self.term}"


class Honour(TenantModel):
    """An honour received by a person (劳动模范, 优秀民营企业家 …)."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="honours")
    name = models.CharField(_("honour"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1949), MaxValueValidator(2100)])

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["-year", "pk"]

    def __str__(self):
        return f"{self.name} ({self.year})"


class Rank(TenantModel):
    """A member rank in this chamber's own list (会长单位, 副会长单位 … 会员单位), highest first."""

    name = models.CharField(_("name"), max_length=60)
    # Unique per chamber (rank_code_unique leads with the chamber): no index of its own.
    code = models.SlugField(_("code"), max_length=40, db_index=False)
    order = models.PositiveSmallIntegerField(_("order"), default=100, help_text=_("Lower comes first."))

    class Meta:
        verbose_name = _("member rank")
        verbose_name_plural = _("member ranks")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["chamber", "code"], name="rank_code_unique"),
            models.UniqueConstraint(fields=["chamber", "name"], name="rank_name_unique"),
        ]

    def __str__(self):
        return self.name


class MembershipKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise member")
    GROUP = "group", _("Group member")
    INDIVIDUAL = "individual", _("Individual member")


class MembershipStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    LAPSED = "lapsed", _("Lapsed")
    LEFT = "left", _("Left")


# Which status may follow which. Leaving is final: a returning member re-applies.
STATUS_TRANSITIONS = {
    MembershipStatus.APPLIED: {MembershipStatus.ACTIVE, MembershipStatus.LEFT},
    MembershipStatus.ACTIVE: {MembershipStatus.SUSPENDED, MembershipStatus.LAPSED, MembershipStatus.LEFT},
    MembershipStatus.SUSPENDED: {MembershipStatus.ACTIVE, MembershipStatus.LAPSED, MembershipStatus.LEFT},
    MembershipStatus.LAPSED: {MembershipStatus.ACTIVE, MembershipStatus.LEFT},
    MembershipStatus.LEFT: set(),
}


class Membership(TenantModel):
    """One member of the chamber: an enterprise, a group (another chamber) or an individual."""

    kind = models.CharField(_("kind"), max_length=20, choices=MembershipKind.choices)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, null=True, blank=True, related_name="memberships",
        help_text=_("Individual members only."),
    )
    rank = models.ForeignKey(Rank, verbose_name=_("rank"), on_delete=models.PROTECT, related_name="memberships")
    branches = models.ManyToManyField(
        "branches.Branch", verbose_name=_("branches"), through="MembershipBranch", related_name="memberships", blank=True
    )
    # Kept by members.services (create, enterprise/person rename); a bulk insert that
    # bypasses them must fill it, or the member drops out of name search and order.
    name = models.CharField(
        _("name"), max_length=200, blank=True, editable=False,
        help_text=_("The member's name, copied from its enterprise or person so the roster sorts by an index."),
    )
    member_number = models.CharField(_("member number"), max_length=30, blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MembershipStatus.choices, default=MembershipStatus.APPLIED
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Read within a chamber only (change feed, updated_since): the (chamber, updated_at, id)
    # index answers it, so the column has no index of its own to keep up on every write.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["chamber", "member_number"], condition=~models.Q(member_number=""), name="membership_number_unique"
            ),
            models.UniqueConstraint(
                fields=["chamber", "enterprise"],
                condition=models.Q(enterprise__isnull=False) & ~models.Q(status="left"),
                name="membership_one_current_per_enterprise",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="individual", person__isnull=False, enterprise__isnull=True)
                    | (~models.Q(kind="individual") & models.Q(enterprise__isnull=False))
                ),
                name="membership_holder_matches_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["chamber", "status", "rank"]),
            models.Index(fields=["chamber", "joined_on"]),
            models.Index(fields=["chamber", "updated_at", "id"]),
            # The roster's default order: pages are cut from this index alone.
            models.Index(fields=["chamber", "id"]),
            # By name, all members or those of one status (the usual "active members" list).
            models.Index(fields=["chamber", "name", "id"]),
            models.Index(fields=["chamber", "status", "name", "id"]),
            # A federation's figures over every chamber it supervises (chamber.selectors
            # .federation_affiliate_figures) are read from this index alone, without the
            # table: 1,000,000 members in about a quarter of a second (docs/benchmarks.md).
            models.Index(fields=["chamber", "rank", "status", "kind"], include=["joined_on", "left_on"],
                         name="membership_counts_covering"),
        ]

    def __str__(self):
        return str(self.enterprise or self.person or self.pk)

    @property
    def holder_name(self):
        return self.name or (self.enterprise.name if self.enterprise_id else self.person.name)


class MembershipBranch(TenantModel):
    """A membership's place in a branch; a member may belong to several branches."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="branch_links")
    branch = models.ForeignKey("branches.Branch", on_delete=models.PROTECT, related_name="membership_links")

    class Meta:
        verbose_name = _("membership in a branch")
        verbose_name_plural = _("memberships in branches")
        constraints = [
            models.UniqueConstraint(fields=["chamber", "membership", "branch"], name="membership_branch_unique"),
        ]


class ChangeField(models.TextChoices):
    CREATED = "created", _("Created")
    STATUS = "status", _("Status")
    RANK = "rank", _("Rank")
    BRANCHES = "branches", _("Branches")


class MembershipChange(TenantModel):
    """One change of a membership's status, rank or branches: who, when, from what, to what, why."""

    membership = models.ForeignKey(Membership, verbose_name=_("membership"), on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(_("what changed"), max_length=20, choices=ChangeField.choices)
    old_value = models.CharField(_("from"), max_length=500, blank=True)
    new_value = models.CharField(_("to"), max_length=500, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    effective_on = models.DateField(_("effective on"), default=timezone.localdate)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor_label = models.CharField(_("by (name)"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("membership change")
        verbose_name_plural = _("membership changes")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["chamber", "membership", "created_at"]),
            models.Index(fields=["chamber", "field", "effective_on"]),
        ]

    def __str__(self):
        return f"{self.get_field_display()}: {self.display_old} → {self.display_new}"

    def _display(self, value):
        # Status rows store codes so each reader sees them in their own language.
        if self.field in (ChangeField.STATUS, ChangeField.CREATED) and value in MembershipStatus.values:
            return MembershipStatus(value).label
        return value

    @property
    def display_old(self):
        return self._display(self.old_value)

    @property
    def display_new(self):
        return self._display(self.new_value)


class AnnualFigures(TenantModel):
    """An enterprise's figures for one year: revenue, tax paid, employees."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="annual_figures")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1949), MaxValueValidator(2100)])
    revenue = models.DecimalField(_("revenue (CNY)"), **MONEY, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))])
    tax_paid = models.DecimalField(_("tax paid (CNY)"), **MONEY, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))])
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("annual figures")
        verbose_name_plural = _("annual figures")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["chamber", "enterprise", "year"], name="annual_figures_one_per_year"),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.year}"


class Term(TenantModel):
    """A term of office (届) of the chamber's officers, e.g. 第八届, normally five years."""

    ordinal = models.PositiveSmallIntegerField(_("ordinal"), validators=[MinValueValidator(1)])
    name = models.CharField(_("name"), max_length=60, blank=True, help_text=_("e.g. 第八届理事会"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    elected_on = models.DateField(_("elected on"), null=True, blank=True)

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["-ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["chamber", "ordinal"], name="term_ordinal_unique"),
            models.CheckConstraint(condition=models.Q(ends_on__gt=models.F("starts_on")), name="term_dates_ordered"),
        ]

    def __str__(self):
        return self.name or _("Term %(n)s") % {"n": self.ordinal}


class Post(models.TextChoices):
    HONORARY_PRESIDENT = "honorary_president", _("Honorary president")
    PRESIDENT = "president", _("President")
    EXECUTIVE_PRESIDENT = "executive_president", _("Executive president")
    STANDING_VICE_PRESIDENT = "standing_vice_president", _("Standing vice-president")
    VICE_PRESIDENT = "vice_president", _("Vice-president")
    CHIEF_SUPERVISOR = "chief_supervisor", _("Chief supervisor")
    SUPERVISOR = "supervisor", _("Supervisor")
    SECRETARY_GENERAL = "secretary_general", _("Secretary-general")
    DEPUTY_SECRETARY_GENERAL = "deputy_secretary_general", _("Deputy secretary-general")
    STANDING_COUNCIL_MEMBER = "standing_council_member", _("Standing council member")
    COUNCIL_MEMBER = "council_member", _("Council member")
    SENIOR_ADVISER = "senior_adviser", _("Senior adviser")


# Order in which a line-up is shown.
POST_ORDER = {post: index for index, post in enumerate(Post.values)}


class OfficerPosition(TenantModel):
    """A person holding a post in a term, on behalf of an enterprise, possibly in a branch."""

    term = models.ForeignKey(Term, verbose_name=_("term"), on_delete=models.PROTECT, related_name="positions")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="officer_positions")
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, null=True, blank=True, related_name="officer_positions")
    post = models.CharField(_("post"), max_length=30, choices=Post.choices)
    branch = models.ForeignKey("branches.Branch", verbose_name=_("branch"), on_delete=models.PROTECT, null=True, blank=True, related_name="officer_positions")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("officer position")
        verbose_name_plural = _("officer positions")
        ordering = ["term", "post", "pk"]
        indexes = [models.Index(fields=["chamber", "term", "post"]), models.Index(fields=["chamber", "person"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="officer_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.get_post_display()} {self.person}"


class RotatingChair(TenantModel):
    """A period in which an officer's enterprise holds the rotating chair (轮值主席/会长)."""

    term = models.ForeignKey(Term, verbose_name=_("term"), on_delete=models.CASCADE, related_name="rotating_chairs")
    position = models.ForeignKey(OfficerPosition, verbose_name=_("officer"), on_delete=models.CASCADE, related_name="chair_periods")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))

    class Meta:
        verbose_name = _("rotating chair period")
        verbose_name_plural = _("rotating chair periods")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="chair_dates_ordered"),
        ]

    def __str__(self):
        return f"{self.position} {self.starts_on}–{self.ends_on}"


class Liaison(TenantModel):
    """An officer assigned to keep in touch with a member (会长联系会员制度)."""

    officer = models.ForeignKey(OfficerPosition, verbose_name=_("officer"), on_delete=models.CASCADE, related_name="liaisons")
    membership = models.ForeignKey(Membership, verbose_name=_("member"), on_delete=models.CASCADE, related_name="liaisons")
    since = models.DateField(_("since"), default=timezone.localdate)

    class Meta:
        verbose_name = _("liaison assignment")
        verbose_name_plural = _("liaison assignments")
        constraints = [
            models.UniqueConstraint(fields=["chamber", "officer", "membership"], name="liaison_unique"),
        ]

    def __str__(self):
        return f"{self.officer} ↔ {self.membership}"


class SelfServiceKind(models.TextChoices):
    PROFILE = "profile", _("Profile")
    CONTACT_ADD = "contact_add", _("New contact")
    CONTACT_CHANGE = "contact_change", _("Contact change")
    CONTACT_REMOVE = "contact_remove", _("Contact removal")
    FIGURES = "figures", _("Annual figures")


class SelfServiceStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    APPLIED = "applied", _("Applied at once")


class SelfServiceChange(TenantModel):
    """One change a member representative proposed to their own enterprise, and its fate."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="self_service_changes"
    )
    kind = models.CharField(_("what"), max_length=20, choices=SelfServiceKind.choices)
    # The contact a change or removal is about; a removed contact leaves its values in `before`.
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Validated and normalised when proposed, so an approval can always apply them.
    proposed = models.JSONField(_("proposed values"), default=dict, blank=True)
    # The values when proposed: the approver sees what the representative saw.
    before = models.JSONField(_("values before"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=SelfServiceStatus.choices, default=SelfServiceStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("self-service change")
        verbose_name_plural = _("self-service changes")
        ordering = ["requested_at", "pk"]
        indexes = [
            # The approval queue: pending changes, oldest first.
            models.Index(fields=["chamber", "status", "requested_at"]),
            # A representative's own changes on the portal.
            models.Index(fields=["chamber", "enterprise", "requested_at"]),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()} {self.enterprise}"
