"""/api/v1/chambers/<chamber>/: members, enterprises (with figures and contacts), people,
ranks, terms and officers. Selectors build the querysets, services do the writes; a view
only checks shapes, picks the service and passes `access` so branch limits hold."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404
from chamber.api.filters import ChamberFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from chamber.access import (
    MEMBERS_CHANGE,
    MEMBERS_VIEW,
    OFFICERS_CHANGE,
    OFFICERS_VIEW,
    PERSONAL_DATA,
    SELF_SERVICE,
)
from chamber.api.mixins import TenantViewSet, with_chamber
from chamber.audit import audit_personal_data_view
from members.models import POST_ORDER, AnnualFigures, Contact, Enterprise, Membership, OfficerPosition, Person, Rank, Term
from members.officers import officer_appoint, officer_end, term_create, term_start_next
from members.selectors import (
    annual_figures_list,
    contact_list,
    enterprise_list,
    enterprise_self_service_list,
    membership_history,
    membership_list,
    membership_roster_rows,
    membership_visible,
    officer_lineup,
    officer_list,
    person_list,
    rank_list,
    term_charter_warnings,
    term_list,
)
from members.services import (
    annual_figures_set,
    contact_add,
    enterprise_create,
    enterprise_self_service_update,
    enterprise_update,
    membership_change_rank,
    membership_change_status,
    membership_create,
    membership_set_branches,
    membership_update,
    person_create,
    person_update,
)

from .filters import MembershipFilter, OfficerFilter
from .serializers import (
    AnnualFiguresReplaceSerializer,
    AnnualFiguresSerializer,
    ContactCreateSerializer,
    ContactSerializer,
    EnterpriseSerializer,
    MembershipChangeSerializer,
    MembershipCreateSerializer,
    MembershipSerializer,
    MembershipStatusSerializer,
    MembershipUpdateSerializer,
    roster_document,
    roster_plan,
    OfficerCreateSerializer,
    OfficerEndSerializer,
    OfficerSerializer,
    PersonSerializer,
    RankSerializer,
    TermDetailSerializer,
    TermSerializer,
    TermStartNextSerializer,
)


def _nested_errors(field, exc):
    """A service's field errors for an object described inside the request, re-keyed under
    that object's field (`new_enterprise.uscc`)."""
    detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    return serializers.ValidationError({field: detail})


# --- Members ---------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="Members (filter, search, order)"),
    retrieve=extend_schema(summary="One member"),
    create=extend_schema(request=MembershipCreateSerializer, responses={201: MembershipSerializer}, summary="Admit a member"),
    partial_update=extend_schema(request=MembershipUpdateSerializer, responses=MembershipSerializer,
                                 summary="Edit a member; rank and branch changes need a reason"),
)
class MembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        mixins.UpdateModelMixin, TenantViewSet):
    permission = MEMBERS_VIEW
    write_permission = MEMBERS_CHANGE
    queryset = Membership.objects.none()
    serializer_class = MembershipSerializer
    filter_backends = (ChamberFilterBackend,)
    filterset_class = MembershipFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def member_queryset(self):
        # 3 queries a page: memberships (+ enterprise, person, rank), branches, contacts (+ person).
        return membership_list(chamber=self.chamber, access=self.access, capability=self.reach_capability).order_by("pk")

    def get_chamber_queryset(self):
        if self.action == "list":
            # Only which members and in what order: the page's rows come from load_page.
            return membership_visible(chamber=self.chamber, access=self.access,
                                      capability=self.reach_capability).order_by("pk")
        if self.action == "retrieve":
            return self.member_queryset()
        # Writes and the history need the row only; a write's response is read afresh in full.
        return self.member_queryset().prefetch_related(None)

    def list(self, request, *args, **kwargs):
        """The roster: a page of plain rows (see membership_roster_rows), never model instances."""
        rows = self.paginator.paginate_queryset(
            self.filter_queryset(self.get_queryset()), request, view=self,
            load_page=lambda ids: membership_roster_rows(chamber=self.chamber, ids=ids),
        )
        plan = roster_plan(self.access)
        return self.get_paginated_response([roster_document(row, plan) for row in rows])

    def _respond(self, membership, status_code=status.HTTP_200_OK):
        membership = self.member_queryset().get(pk=membership.pk)
        return Response(MembershipSerializer(membership, context=self.get_serializer_context()).data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = MembershipCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        new_enterprise = data.pop("new_enterprise", None)
        # One transaction: a refused member (e.g. outside a branch secretary's reach) leaves
        # no enterprise behind either.
        with transaction.atomic():
            if new_enterprise is not None:
                try:
                    data["enterprise"] = enterprise_create(chamber=self.chamber, actor=request.user, **new_enterprise)
                except DjangoValidationError as exc:
                    raise _nested_errors("new_enterprise", exc) from None
            membership = membership_create(chamber=self.chamber, actor=request.user, access=self.access, **data)
        return self._respond(membership, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        membership = self.get_object()
        serializer = MembershipUpdateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        reason, effective_on = data["reason"], data["effective_on"]
        with transaction.atomic():
            if "member_number" in data or "joined_on" in data:
                membership_update(membership=membership, actor=request.user, member_number=data.get("member_number"),
                                  joined_on=data.get("joined_on"), reason=reason, access=self.access)
            if "rank" in data:
                membership_change_rank(membership=membership, actor=request.user, rank=data["rank"], reason=reason,
                                       effective_on=effective_on, access=self.access)
            if "branches" in data:
                membership_set_branches(membership=membership, actor=request.user, branches=data["branches"],
                                        reason=reason, effective_on=effective_on, access=self.access)
        return self._respond(membership)

    @extend_schema(request=MembershipStatusSerializer, responses=MembershipSerializer,
                   summary="Change a member's status (with a reason)")
    @action(detail=True, methods=["post"], filter_backends=[])
    def status(self, request, *args, **kwargs):
        membership = self.get_object()
        serializer = MembershipStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = membership_change_status(membership=membership, actor=request.user, access=self.access,
                                              **serializer.validated_data)
        return self._respond(membership)

    @extend_schema(responses=MembershipChangeSerializer(many=True), summary="A member's history: what changed, who, why")
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, *args, **kwargs):
        membership = self.get_object()
        # 3 queries besides the member: count, rows (+ actor).
        page = self.paginate_queryset(membership_history(membership=membership))
        return self.get_paginated_response(MembershipChangeSerializer(page, many=True).data)


# --- Enterprises, their figures and contacts -------------------------------------------------

class EnterpriseAccessMixin:
    """Who reaches an enterprise — decided here, and only here, for the profile, its annual
    figures and its contacts.

    - Roster staff: `members.view` to read and `members.change` to write, on every enterprise
      within their branch reach.
    - A member representative (role `member_representative`, capability
      `members.self_service`) who lacks those: only the enterprises they hold guardian's
      `members.change_enterprise` on — any other is 404 — and on the profile only
      `SELF_SERVICE_ENTERPRISE_FIELDS` (`enterprise_self_service_update` refuses the rest).

    `ChamberCapability` reads `permission` / `write_permission`; here they name the
    capability the caller will act under.
    """

    @property
    def self_service(self):
        if getattr(self, "swagger_fake_view", False):
            return False
        staff_capability = MEMBERS_VIEW if self.is_read else MEMBERS_CHANGE
        return not self.access.has(staff_capability) and self.access.has(SELF_SERVICE)

    @property
    def permission(self):
        return SELF_SERVICE if self.self_service else MEMBERS_VIEW

    @property
    def write_permission(self):
        return SELF_SERVICE if self.self_service else MEMBERS_CHANGE

    def enterprise_queryset(self):
        if self.self_service:
            return enterprise_self_service_list(chamber=self.chamber, user=self.request.user)
        return enterprise_list(chamber=self.chamber, access=self.access, capability=self.reach_capability)

    def get_enterprise(self):
        return with_chamber(get_object_or_404(self.enterprise_queryset(), pk=self.kwargs["enterprise_pk"]), self.chamber)


@extend_schema_view(
    retrieve=extend_schema(summary="An enterprise's profile"),
    partial_update=extend_schema(summary="Edit an enterprise's profile (a representative: the self-service fields only)"),
)
class EnterpriseViewSet(EnterpriseAccessMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, TenantViewSet):
    queryset = Enterprise.objects.none()
    serializer_class = EnterpriseSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_chamber_queryset(self):
        return self.enterprise_queryset().order_by("pk")

    def update(self, request, *args, **kwargs):
        enterprise = self.get_object()
        serializer = self.get_serializer(enterprise, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if self.self_service:
            enterprise_self_service_update(enterprise=enterprise, user=request.user, **serializer.validated_data)
        else:
            enterprise_update(enterprise=enterprise, actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(enterprise).data)


ENTERPRISE_PK = OpenApiParameter("enterprise_pk", OpenApiTypes.INT, OpenApiParameter.PATH,
                                 description="The enterprise's id.")


@extend_schema(parameters=[ENTERPRISE_PK])
@extend_schema_view(
    list=extend_schema(summary="An enterprise's annual figures, latest year first"),
    retrieve=extend_schema(summary="One year's figures"),
    create=extend_schema(responses={200: AnnualFiguresSerializer, 201: AnnualFiguresSerializer},
                         summary="Set one year's figures (creates or replaces that year)"),
    update=extend_schema(request=AnnualFiguresReplaceSerializer, responses=AnnualFiguresSerializer,
                         summary="Replace one year's figures"),
)
class AnnualFiguresViewSet(EnterpriseAccessMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           mixins.CreateModelMixin, mixins.UpdateModelMixin, TenantViewSet):
    queryset = AnnualFigures.objects.none()
    serializer_class = AnnualFiguresSerializer
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_chamber_queryset(self):
        return annual_figures_list(enterprise=self.get_enterprise())

    def _set(self, enterprise, year, data):
        existed = annual_figures_list(enterprise=enterprise).filter(year=year).exists()
        figures = annual_figures_set(enterprise=enterprise, actor=self.request.user, year=year, revenue=data.get("revenue"),
                                     tax_paid=data.get("tax_paid"), employees=data.get("employees"))
        return Response(AnnualFiguresSerializer(figures).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def create(self, request, *args, **kwargs):
        enterprise = self.get_enterprise()
        serializer = AnnualFiguresSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._set(enterprise, serializer.validated_data["year"], serializer.validated_data)

    def update(self, request, *args, **kwargs):
        enterprise = self.get_enterprise()
        serializer = AnnualFiguresReplaceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._set(enterprise, int(self.kwargs["year"]), serializer.validated_data)


@extend_schema(parameters=[ENTERPRISE_PK])
@extend_schema_view(
    list=extend_schema(summary="An enterprise's contacts, primary first"),
    create=extend_schema(request=ContactCreateSerializer, responses={201: ContactSerializer},
                         summary="Add a contact (a known person or a new one)"),
)
class ContactViewSet(EnterpriseAccessMixin, mixins.ListModelMixin, mixins.CreateModelMixin, TenantViewSet):
    queryset = Contact.objects.none()
    serializer_class = ContactSerializer

    def get_chamber_queryset(self):
        return contact_list(enterprise=self.get_enterprise())

    def create(self, request, *args, **kwargs):
        enterprise = self.get_enterprise()
        context = self.get_serializer_context()
        if self.self_service:
            context["self_service_people"] = set(contact_list(enterprise=enterprise).values_list("person_id", flat=True))
        serializer = ContactCreateSerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            person = data.get("person")
            if person is None:
                try:
                    person = person_create(chamber=self.chamber, actor=request.user, **data["new_person"])
                except DjangoValidationError as exc:
                    raise _nested_errors("new_person", exc) from None
            contact = contact_add(enterprise=enterprise, person=person, actor=request.user, title=data["title"],
                                  is_primary=data["is_primary"])
        contact = contact_list(enterprise=enterprise).get(pk=contact.pk)
        return Response(ContactSerializer(contact, context=context).data, status=status.HTTP_201_CREATED)


# --- People ------------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(summary="People: contacts, officers, individual members"),
    retrieve=extend_schema(summary="One person"),
    create=extend_schema(responses={201: PersonSerializer}, summary="Register a person"),
    partial_update=extend_schema(summary="Edit a person"),
)
class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, TenantViewSet):
    permission = MEMBERS_VIEW
    write_permission = MEMBERS_CHANGE
    queryset = Person.objects.none()
    serializer_class = PersonSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_chamber_queryset(self):
        # 3 queries a page: people, their representative posts, their honours.
        return person_list(chamber=self.chamber, access=self.access, capability=self.reach_capability).order_by("name", "pk")

    # audit trail (issue 10): a reader who gets ID numbers in full is logged, one insert a response.
    def _log_personal_data(self, people):
        if self.access.has(PERSONAL_DATA):
            audit_personal_data_view(chamber=self.chamber, actor=self.request.user, people=list(people),
                                     where=self.request.path)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            self._log_personal_data(page)
        return page

    def retrieve(self, request, *args, **kwargs):
        person = self.get_object()
        self._log_personal_data([person])
        return Response(self.get_serializer(person).data)

    def _respond(self, person, status_code=status.HTTP_200_OK):
        person = self.get_chamber_queryset().get(pk=person.pk)
        return Response(self.get_serializer(person).data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            person = person_create(chamber=self.chamber, actor=request.user, **serializer.validated_data)
            # A branch-limited writer may only add people who end up within their reach
            # (in practice: through a member's contacts, not here).
            self.ensure_still_visible(person)
        return self._respond(person, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        person = self.get_object()
        serializer = self.get_serializer(person, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        person_update(person=person, actor=request.user, **serializer.validated_data)
        return self._respond(person)


# --- Ranks, terms, officers ----------------------------------------------------------------------

@extend_schema_view(list=extend_schema(summary="The chamber's member ranks, highest first"))
class RankViewSet(mixins.ListModelMixin, TenantViewSet):
    permission = MEMBERS_VIEW
    write_permission = MEMBERS_CHANGE
    queryset = Rank.objects.none()
    serializer_class = RankSerializer

    def get_chamber_queryset(self):
        return rank_list(chamber=self.chamber)


@extend_schema_view(
    list=extend_schema(summary="Terms of office, latest first"),
    retrieve=extend_schema(responses=TermDetailSerializer, summary="A term with its line-up and charter warnings"),
    create=extend_schema(responses={201: TermSerializer}, summary="Record a term"),
)
class TermViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantViewSet):
    permission = OFFICERS_VIEW
    write_permission = OFFICERS_CHANGE
    queryset = Term.objects.none()
    serializer_class = TermSerializer

    def get_chamber_queryset(self):
        return term_list(chamber=self.chamber)

    def retrieve(self, request, *args, **kwargs):
        term = self.get_object()
        context = {**self.get_serializer_context(), "term_warnings": term_charter_warnings(term=term),
                   "term_lineup": officer_lineup(term=term)}
        return Response(TermDetailSerializer(term, context=context).data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        term = term_create(chamber=self.chamber, actor=request.user, **serializer.validated_data)
        return Response(TermSerializer(term).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TermStartNextSerializer, responses={201: TermSerializer},
                   summary="Open the next term (换届), carrying the line-up over")
    @action(detail=False, methods=["post"], url_path="start-next")
    def start_next(self, request, *args, **kwargs):
        serializer = TermStartNextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        term = term_start_next(chamber=self.chamber, actor=request.user, **serializer.validated_data)
        return Response(TermSerializer(term).data, status=status.HTTP_201_CREATED)


# Protocol order of posts (president first), for a stable, meaningful default order.
_POST_ORDER = Case(*[When(post=post, then=Value(index)) for post, index in POST_ORDER.items()],
                   default=Value(len(POST_ORDER)), output_field=IntegerField())


@extend_schema_view(
    list=extend_schema(summary="Officers (all terms; filter term= or current=1)"),
    retrieve=extend_schema(summary="One officer position"),
    create=extend_schema(request=OfficerCreateSerializer, responses={201: OfficerSerializer},
                         summary="Appoint a person to a post in a term"),
)
class OfficerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantViewSet):
    permission = OFFICERS_VIEW
    write_permission = OFFICERS_CHANGE
    queryset = OfficerPosition.objects.none()
    serializer_class = OfficerSerializer
    filter_backends = (ChamberFilterBackend,)
    filterset_class = OfficerFilter

    def get_chamber_queryset(self):
        # 1 query a page: positions with term, person, enterprise and branch.
        return officer_list(chamber=self.chamber).order_by("-term__ordinal", _POST_ORDER, "pk")

    def _respond(self, position, status_code=status.HTTP_200_OK):
        position = self.get_chamber_queryset().get(pk=position.pk)
        return Response(OfficerSerializer(position).data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = OfficerCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        position = officer_appoint(term=data.pop("term"), actor=request.user, **data)
        return self._respond(position, status.HTTP_201_CREATED)

    @extend_schema(request=OfficerEndSerializer, responses=OfficerSerializer, summary="End a post")
    @action(detail=True, methods=["post"], filter_backends=[])
    def end(self, request, *args, **kwargs):
        position = self.get_object()
        serializer = OfficerEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        officer_end(position=position, actor=request.user, **serializer.validated_data)
        return self._respond(position)
