"""The roster over the API. Read serializers describe what comes back; write serializers
validate the shapes and hand plain values to `members.services`, which do the rest."""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from branches.api.serializers import BranchRefSerializer
from branches.models import Branch
from chamber.api.serializers import (
    ChamberRelatedField,
    ChoicesField,
    MobileField,
    show_mobiles,
    visible_id_number,
)
from chamber.validators import mask_mobile, normalize_id_number, normalize_industry_code, normalize_mobile, normalize_uscc
from members.models import (
    AnnualFigures,
    Body,
    ChangeField,
    Contact,
    Enterprise,
    Gender,
    Honour,
    Level,
    Membership,
    MembershipChange,
    MembershipKind,
    MembershipStatus,
    OfficerPosition,
    Person,
    PoliticalAffiliation,
    Post,
    Rank,
    RepresentativePost,
    Term,
)
from members.models import ConsentAction, ConsentBasis
from members.privacy import consent_states
from members.selectors import enterprise_contacts, membership_as_roster_row, membership_branches
from members.services import ENTERPRISE_FIELDS, PERSON_FIELDS


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class RankSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rank
        fields = ("id", "code", "name", "order")
        read_only_fields = fields


# --- Enterprises -----------------------------------------------------------------------------

class EnterpriseSerializer(serializers.ModelSerializer):
    """An enterprise's profile. Identifiers are normalised here ('c3831' → 'C3831') so their
    errors carry the field name; uniqueness in the chamber is checked by the service."""

    uscc = serializers.CharField(max_length=30, required=False, allow_blank=True,
                                 help_text="Unified social credit code (18 characters, GB 32100).")
    industry_code = serializers.CharField(max_length=10, required=False, allow_blank=True,
                                          help_text="GB/T 4754 industry code, e.g. C3831.")

    class Meta:
        model = Enterprise
        fields = ("id", *ENTERPRISE_FIELDS, "name_initials", "created_at", "updated_at")
        read_only_fields = ("id", "name_initials", "created_at", "updated_at")
        validators = []

    def validate_uscc(self, value):
        return normalize_uscc(value) if value.strip() else ""

    def validate_industry_code(self, value):
        return normalize_industry_code(value) if value.strip() else ""


class EnterpriseSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = ("id", "name", "uscc", "legal_representative", "industry_code", "division_code", "address")
        read_only_fields = fields


class AnnualFiguresSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnnualFigures
        fields = ("year", "revenue", "tax_paid", "employees", "updated_at")
        read_only_fields = ("updated_at",)
        validators = []


class AnnualFiguresReplaceSerializer(AnnualFiguresSerializer):
    """PUT figures/<year>/: the year comes from the URL."""

    class Meta(AnnualFiguresSerializer.Meta):
        read_only_fields = ("year", "updated_at")


class ContactSerializer(serializers.ModelSerializer):
    person = RefSerializer(read_only=True)
    mobile = MobileField(source="person.mobile", read_only=True)

    class Meta:
        model = Contact
        fields = ("id", "person", "title", "is_primary", "mobile")
        read_only_fields = fields


# --- People ----------------------------------------------------------------------------------

class RepresentativePostSerializer(serializers.ModelSerializer):
    body = ChoicesField(Body, read_only=True)
    body_label = serializers.CharField(source="get_body_display", read_only=True)
    level = ChoicesField(Level, read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = RepresentativePost
        fields = ("id", "body", "body_label", "level", "level_label", "term", "started_year", "ended_year")
        read_only_fields = fields


class HonourSerializer(serializers.ModelSerializer):
    level = ChoicesField(Level, read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Honour
        fields = ("id", "name", "level", "level_label", "year")
        read_only_fields = fields


class PersonNewSerializer(serializers.ModelSerializer):
    """A person created in passing (a new contact): name and how to reach them."""

    gender = ChoicesField(Gender, required=False, allow_blank=True)
    mobile = serializers.CharField(max_length=20, required=False, allow_blank=True,
                                   help_text="Mainland mobile, 11 digits; +86 may precede it.")

    class Meta:
        model = Person
        fields = ("name", "gender", "mobile", "email")
        validators = []

    def validate_mobile(self, value):
        return normalize_mobile(value) if value.strip() else ""


class ConsentSerializer(serializers.Serializer):
    """The person's latest consent row (PIPL); read-only, recorded through the pages."""

    action = ChoicesField(ConsentAction, read_only=True)
    basis = ChoicesField(ConsentBasis, read_only=True)
    text_version = serializers.CharField(read_only=True, help_text="Version of the notice consented to.")
    recorded_at = serializers.DateTimeField(read_only=True)


class PersonListSerializer(serializers.ListSerializer):
    """Loads the consent states of a whole page in one query (not one per person)."""

    def to_representation(self, data):
        people = list(data.all() if hasattr(data, "all") else data)
        if people:
            states = consent_states(chamber=people[0].chamber_id, people=people)
            for person in people:
                person.__dict__["consent_state"] = states.get(person.pk)  # fills the cached_property
        return super().to_representation(people)


class PersonSerializer(PersonNewSerializer):
    """A person. The ID number is masked and the birth date left out unless the reader holds
    `members.personal_data`; mobiles are shown to roster readers. `consent` is the latest
    consent row (null when none was recorded)."""

    consent = ConsentSerializer(source="consent_state", read_only=True, allow_null=True)

    political_affiliation = ChoicesField(PoliticalAffiliation, required=False, allow_blank=True)
    id_number = serializers.CharField(max_length=25, required=False, allow_blank=True,
                                      help_text="Resident ID number (18 characters); masked unless you may see personal data.")
    representative_posts = RepresentativePostSerializer(many=True, read_only=True)
    honours = HonourSerializer(many=True, read_only=True)
    mobile = MobileField(max_length=20, required=False, allow_blank=True,
                         help_text="Mainland mobile, 11 digits; +86 may precede it.")

    class Meta(PersonNewSerializer.Meta):
        fields = ("id", *PERSON_FIELDS, "name_initials", "representative_posts", "honours", "consent",
                  "created_at", "updated_at")
        read_only_fields = ("id", "name_initials", "consent", "created_at", "updated_at")
        list_serializer_class = PersonListSerializer

    def validate_id_number(self, value):
        return normalize_id_number(value) if value.strip() else ""

    def to_representation(self, person):
        data = super().to_representation(person)
        data["id_number"] = visible_id_number(person.id_number, self.context)
        if data["id_number"] != person.id_number:
            data["birth_date"] = None  # it is spelled out inside the ID number
        return data


# --- Memberships -----------------------------------------------------------------------------

class ContactSummarySerializer(serializers.Serializer):
    person_id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="person.name", read_only=True)
    title = serializers.CharField(read_only=True)
    is_primary = serializers.BooleanField(read_only=True)
    mobile = MobileField(source="person.mobile", read_only=True)


class PersonSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    mobile = MobileField(read_only=True)


class MembershipSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="holder_name", read_only=True)
    kind = ChoicesField(MembershipKind, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status = ChoicesField(MembershipStatus, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    enterprise = EnterpriseSummarySerializer(read_only=True, allow_null=True)
    person = PersonSummarySerializer(read_only=True, allow_null=True)
    rank = RankSerializer(read_only=True)
    branches = serializers.SerializerMethodField()
    contacts = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = (
            "id", "name", "kind", "kind_label", "status", "status_label", "member_number", "joined_on",
            "left_on", "rank", "branches", "enterprise", "person", "contacts", "created_at", "updated_at",
        )
        read_only_fields = fields

    @extend_schema_field(BranchRefSerializer(many=True))
    def get_branches(self, membership):
        return BranchRefSerializer(membership_branches(membership), many=True).data

    @extend_schema_field(ContactSummarySerializer(many=True))
    def get_contacts(self, membership):
        if membership.enterprise is None:
            return []
        return ContactSummarySerializer(enterprise_contacts(membership.enterprise), many=True, context=self.context).data

    def to_representation(self, membership):
        """The same document as the declared fields give (a test compares the two), built
        directly by `roster_document`: DRF's field-by-field walk costs ~1 ms a member."""
        root = self.parent if self.parent is not None else self
        plan = getattr(root, "_roster_plan", None)
        if plan is None:
            plan = root._roster_plan = roster_plan(self.context.get("access"))
        return roster_document(membership_as_roster_row(membership), plan)

    def to_representation_by_fields(self, membership):
        """DRF's own walk over the declared fields: the reference the fast path is tested against."""
        return super().to_representation(membership)


def roster_plan(access):
    """What is the same for every member of a response: labels in the reader's language,
    whether mobiles are masked, how date-times are written."""
    return {
        "kind_labels": {value: str(label) for value, label in MembershipKind.choices},
        "status_labels": {value: str(label) for value, label in MembershipStatus.choices},
        "mobile": (lambda value: value) if show_mobiles(access) else mask_mobile,
        "datetime": _datetime_writer(),
    }


def roster_document(row, plan):
    """One member as the roster API shows it, from a row of `membership_roster_rows`."""
    mobile, enterprise_id = plan["mobile"], row["enterprise_id"]
    joined_on, left_on = row["joined_on"], row["left_on"]
    return {
        "id": row["id"],
        "name": row["enterprise__name"] if enterprise_id else row["person__name"],
        "kind": row["kind"],
        "kind_label": plan["kind_labels"].get(row["kind"], row["kind"]),
        "status": row["status"],
        "status_label": plan["status_labels"].get(row["status"], row["status"]),
        "member_number": row["member_number"],
        "joined_on": joined_on.isoformat() if joined_on else None,
        "left_on": left_on.isoformat() if left_on else None,
        "rank": {"id": row["rank_id"], "code": row["rank__code"], "name": row["rank__name"], "order": row["rank__order"]},
        "branches": [{"id": branch_id, "name": name} for branch_id, name in row["branches"]],
        "enterprise": None if not enterprise_id else {
            "id": enterprise_id, "name": row["enterprise__name"], "uscc": row["enterprise__uscc"],
            "legal_representative": row["enterprise__legal_representative"],
            "industry_code": row["enterprise__industry_code"], "division_code": row["enterprise__division_code"],
            "address": row["enterprise__address"],
        },
        "person": None if not row["person_id"] else {
            "id": row["person_id"], "name": row["person__name"], "mobile": mobile(row["person__mobile"]),
        },
        "contacts": [
            {"person_id": person_id, "name": name, "title": title, "is_primary": is_primary, "mobile": mobile(number)}
            for person_id, name, title, is_primary, number in row["contacts"]
        ],
        "created_at": plan["datetime"](row["created_at"]),
        "updated_at": plan["datetime"](row["updated_at"]),
    }


def _datetime_writer():
    """Writes date-times as DRF's DateTimeField does (in the current time zone, ISO 8601,
    'Z' for UTC) with the zone looked up once per response instead of once per value."""
    zone = timezone.get_current_timezone()

    def write(value):
        if value is None:
            return None
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return write


class MembershipCreateSerializer(serializers.Serializer):
    """Admit a member: an enterprise or group member names an existing enterprise
    (`enterprise`) or describes a new one (`new_enterprise`); an individual names a person."""

    kind = ChoicesField(MembershipKind)
    rank = ChamberRelatedField(Rank)
    enterprise = ChamberRelatedField(Enterprise, required=False, allow_null=True)
    new_enterprise = EnterpriseSerializer(required=False)
    person = ChamberRelatedField(Person, required=False, allow_null=True)
    branches = ChamberRelatedField(Branch, many=True, required=False)
    member_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    joined_on = serializers.DateField(required=False, allow_null=True, default=None)
    status = ChoicesField(MembershipStatus, required=False, default=MembershipStatus.APPLIED,
                          help_text="`applied` (default) or `active`.")
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def validate(self, data):
        if data.get("enterprise") is not None and data.get("new_enterprise") is not None:
            raise serializers.ValidationError({"new_enterprise": _("Give either an existing enterprise or a new one, not both.")})
        if data["kind"] != MembershipKind.INDIVIDUAL and data.get("enterprise") is None and data.get("new_enterprise") is None:
            raise serializers.ValidationError({"enterprise": _("An enterprise or group member needs an enterprise.")})
        if data["kind"] == MembershipKind.INDIVIDUAL and data.get("person") is None:
            raise serializers.ValidationError({"person": _("An individual member needs a person.")})
        return data


class MembershipUpdateSerializer(serializers.Serializer):
    """PATCH a member. Changing `rank` or `branches` is recorded in the history and needs a
    `reason`; `effective_on` dates that change (default today)."""

    member_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    joined_on = serializers.DateField(required=False)
    rank = ChamberRelatedField(Rank, required=False)
    branches = ChamberRelatedField(Branch, many=True, required=False)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    effective_on = serializers.DateField(required=False, allow_null=True, default=None)


class MembershipStatusSerializer(serializers.Serializer):
    status = ChoicesField(MembershipStatus)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    effective_on = serializers.DateField(required=False, allow_null=True, default=None)


class MembershipChangeSerializer(serializers.ModelSerializer):
    """One history row; status codes are shown with their label in the reader's language."""

    field = ChoicesField(ChangeField, read_only=True)
    field_label = serializers.CharField(source="get_field_display", read_only=True)
    old = serializers.CharField(source="display_old", read_only=True)
    new = serializers.CharField(source="display_new", read_only=True)
    old_value = serializers.CharField(read_only=True, help_text="As stored (status codes, names).")
    new_value = serializers.CharField(read_only=True, help_text="As stored (status codes, names).")
    by = serializers.CharField(source="actor_label", read_only=True)
    by_id = serializers.IntegerField(source="actor_id", read_only=True, allow_null=True)
    at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = MembershipChange
        fields = ("id", "field", "field_label", "old", "new", "old_value", "new_value", "reason",
                  "effective_on", "by", "by_id", "at")
        read_only_fields = fields


# --- Contacts (write) --------------------------------------------------------------------------

class ContactCreateSerializer(serializers.Serializer):
    """Add a contact (or update an existing one's title): name a known `person`, or give
    `new_person` to register one in the same request."""

    person = ChamberRelatedField(Person, required=False, allow_null=True)
    new_person = PersonNewSerializer(required=False)
    title = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    is_primary = serializers.BooleanField(required=False, default=False)

    def validate_person(self, person):
        # A member representative keeps their own enterprise's contacts; they may not attach
        # whomever else the chamber knows.
        allowed = self.context.get("self_service_people")
        if person is not None and allowed is not None and person.pk not in allowed:
            raise serializers.ValidationError(
                serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"].format(pk_value=person.pk)
            )
        return person

    def validate(self, data):
        if (data.get("person") is None) == (data.get("new_person") is None):
            raise serializers.ValidationError({"person": _("Give either `person` or `new_person`.")})
        return data


# --- Terms and officers ------------------------------------------------------------------------

class TermSerializer(serializers.ModelSerializer):
    class Meta:
        model = Term
        fields = ("id", "ordinal", "name", "starts_on", "ends_on", "elected_on")
        read_only_fields = ("id",)
        validators = []


class TermStartNextSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    elected_on = serializers.DateField(required=False, allow_null=True, default=None)
    carry_over = serializers.BooleanField(required=False, default=True,
                                          help_text="Copy the outgoing line-up so it can be edited instead of retyped.")


class TermRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Term
        fields = ("id", "ordinal", "name")
        read_only_fields = fields


class OfficerSerializer(serializers.ModelSerializer):
    term = TermRefSerializer(read_only=True)
    person = RefSerializer(read_only=True)
    enterprise = RefSerializer(read_only=True, allow_null=True)
    branch = BranchRefSerializer(read_only=True, allow_null=True)
    post = ChoicesField(Post, read_only=True)
    post_label = serializers.CharField(source="get_post_display", read_only=True)

    class Meta:
        model = OfficerPosition
        fields = ("id", "term", "post", "post_label", "person", "enterprise", "branch", "starts_on", "ends_on")
        read_only_fields = fields


class OfficerCreateSerializer(serializers.Serializer):
    term = ChamberRelatedField(Term)
    person = ChamberRelatedField(Person)
    post = ChoicesField(Post)
    enterprise = ChamberRelatedField(Enterprise, required=False, allow_null=True, default=None)
    branch = ChamberRelatedField(Branch, required=False, allow_null=True, default=None)
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)


class OfficerEndSerializer(serializers.Serializer):
    ends_on = serializers.DateField()
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class TermDetailSerializer(TermSerializer):
    warnings = serializers.SerializerMethodField(help_text="Charter rules the line-up breaks; they warn, never block.")
    lineup = serializers.SerializerMethodField(help_text="The term's posts in protocol order.")

    class Meta(TermSerializer.Meta):
        fields = (*TermSerializer.Meta.fields, "warnings", "lineup")

    def get_warnings(self, term) -> list[str]:
        return [str(w) for w in self.context["term_warnings"]]

    @extend_schema_field(OfficerSerializer(many=True))
    def get_lineup(self, term):
        return OfficerSerializer(self.context["term_lineup"], many=True, context=self.context).data
