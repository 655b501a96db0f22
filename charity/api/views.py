"""/api/v1/chambers/<chamber>/charity/: programmes (with totals) and their recipients, donations
with their entries, receipts, withdrawals, reversals and totals.

Reading needs money.view. Programmes and recipients are written with charity.manage;
anything that records money (donations, receipts, withdrawals, reversals) needs
money.record and accepts an Idempotency-Key (a retry replays the first answer).
"""
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from chamber.access import CHARITY_MANAGE, MONEY_RECORD, MONEY_VIEW
from chamber.api.mixins import TenantViewSet, with_chamber
from chamber.api.serializers import LedgerReverseSerializer
from chamber.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent_api

from ..models import Donation, DonationEntry, DonorKind, Programme
from ..selectors import TOTALS_BY, donation_list, programme_list_with_totals, programme_summary, recipient_list, totals_by
from ..services import (
    donation_entry_reverse,
    donation_receive,
    donation_record,
    donation_withdraw,
    programme_close,
    programme_create,
    programme_reopen,
    programme_update,
    recipient_add,
)
from .serializers import (
    DonationCreateSerializer,
    DonationDetailSerializer,
    DonationEntrySerializer,
    DonationSerializer,
    ProgrammeSerializer,
    ProgrammeWriteSerializer,
    RecipientSerializer,
    ReceiptCreateSerializer,
    TotalsSerializer,
    WithdrawalCreateSerializer,
)

YEAR = OpenApiParameter("year", OpenApiTypes.INT, description="Only donations pledged in this year.")


def _int_param(request, name):
    """An integer query parameter, None when absent; a clear 400 when it is not a number."""
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError:
        raise serializers.ValidationError({name: _("Enter a whole number.")}) from None
    if not 0 < number < 10_000_000_000:
        raise serializers.ValidationError({name: _("Enter a whole number.")})
    if name == "year" and not 1900 < number < 2200:  # else datetime.date(year, ...) raises (500)
        raise serializers.ValidationError({"year": _("Enter a year such as 2024.")})
    return number


@extend_schema_view(
    list=extend_schema(summary="Programmes with their totals", parameters=[YEAR]),
    retrieve=extend_schema(summary="One programme with its totals"),
    create=extend_schema(request=ProgrammeWriteSerializer, responses={201: ProgrammeSerializer},
                         summary="Start a programme or fund"),
    partial_update=extend_schema(request=ProgrammeWriteSerializer, responses=ProgrammeSerializer,
                                 summary="Change a programme; is_closed closes or reopens it"),
)
class ProgrammeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Programmes and funds; no deletion (their donations are money records)."""

    permission = MONEY_VIEW
    write_permission = CHARITY_MANAGE
    queryset = Programme.objects.none()
    serializer_class = ProgrammeSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    pagination_class = None  # a chamber runs tens of programmes, not thousands

    def get_chamber_queryset(self):
        return Programme.objects.filter(chamber=self.chamber).select_related("organiser_branch").order_by(
            "-starts_on", "pk")

    def list(self, request, *args, **kwargs):
        # 2 queries: the programmes, and one grouped sum over their donations.
        programmes = programme_list_with_totals(chamber=self.chamber, year=_int_param(request, "year"))
        return Response(ProgrammeSerializer(programmes, many=True).data)

    def _respond(self, programme, status_code=status.HTTP_200_OK):
        for key, value in programme_summary(programme=programme).items():
            setattr(programme, key, value)
        return Response(ProgrammeSerializer(programme).data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        return self._respond(self.get_object())

    def create(self, request, *args, **kwargs):
        serializer = ProgrammeWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("is_closed", None)
        programme = programme_create(chamber=self.chamber, actor=request.user, access=self.access, **data)
        return self._respond(programme, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        programme = self.get_object()
        serializer = ProgrammeWriteSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        closed = data.pop("is_closed", None)
        if data:
            programme_update(programme=programme, actor=request.user, access=self.access, **data)
        if closed is True:
            programme_close(programme=programme, actor=request.user, access=self.access)
        elif closed is False:
            programme_reopen(programme=programme, actor=request.user, access=self.access)
        return self._respond(programme)

    @extend_schema(methods=["get"], responses=RecipientSerializer(many=True), summary="A programme's recipients")
    @extend_schema(methods=["post"], request=RecipientSerializer, responses={201: RecipientSerializer},
                   summary="Add a recipient")
    @action(detail=True, methods=["get", "post"])
    def recipients(self, request, *args, **kwargs):
        programme = self.get_object()
        if request.method == "GET":
            return Response(RecipientSerializer(recipient_list(programme=programme), many=True).data)
        serializer = RecipientSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        recipient = recipient_add(programme=programme, actor=request.user, access=self.access,
                                  **serializer.validated_data)
        return Response(RecipientSerializer(recipient).data, status=status.HTTP_201_CREATED)


DONATION_FILTERS = [
    OpenApiParameter("programme", OpenApiTypes.INT, description="A programme's id."),
    OpenApiParameter("donor_kind", OpenApiTypes.STR, description="One of: {}.".format(", ".join(DonorKind.values))),
    OpenApiParameter("branch", OpenApiTypes.INT, description="The branch credited."),
    YEAR,
    OpenApiParameter("q", OpenApiTypes.STR, description="Donor name or goods contain this text."),
]


@extend_schema_view(
    list=extend_schema(summary="Donations, latest pledge first", parameters=DONATION_FILTERS),
    retrieve=extend_schema(responses=DonationDetailSerializer, summary="One donation with its entries"),
)
class DonationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Donations: record one (optionally received at once), receipts and withdrawals on it."""

    permission = MONEY_VIEW
    write_permission = MONEY_RECORD
    queryset = Donation.objects.none()
    serializer_class = DonationSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_chamber_queryset(self):
        if self.action == "list":
            request = self.request
            donor_kind = request.query_params.get("donor_kind") or None
            if donor_kind and donor_kind not in DonorKind.values:
                raise serializers.ValidationError({"donor_kind": _("Choose who the donor is.")})
            donations = donation_list(chamber=self.chamber, donor_kind=donor_kind, year=_int_param(request, "year"),
                                      q=(request.query_params.get("q") or "")[:100] or None)
            programme, branch = _int_param(request, "programme"), _int_param(request, "branch")
            if programme:
                donations = donations.filter(programme_id=programme)
            if branch:
                donations = donations.filter(branch_id=branch)
            return donations
        return Donation.objects.filter(chamber=self.chamber).select_related("programme", "branch")

    def _respond(self, donation, status_code=status.HTTP_200_OK):
        donation = (self.get_chamber_queryset()
                    .prefetch_related(Prefetch("entries", to_attr="entry_list", queryset=DonationEntry.objects.filter(
                        chamber=self.chamber).select_related("reversed_by").order_by("created_at", "pk")))
                    .get(pk=donation.pk))
        return Response(DonationDetailSerializer(donation).data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        return self._respond(self.get_object())

    @extend_schema(request=DonationCreateSerializer, responses={201: DonationDetailSerializer},
                   parameters=[IDEMPOTENCY_KEY_PARAMETER], summary="Record a donation (and what was received at once)")
    @idempotent_api
    def create(self, request, *args, **kwargs):
        serializer = DonationCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        programme = with_chamber(data.pop("programme"), self.chamber)
        donation = donation_record(programme=programme, actor=request.user, access=self.access, **data)
        return self._respond(donation, status.HTTP_201_CREATED)

    @extend_schema(request=ReceiptCreateSerializer, responses={201: DonationEntrySerializer},
                   parameters=[IDEMPOTENCY_KEY_PARAMETER], summary="Record money or goods received (a numbered receipt)")
    @action(detail=True, methods=["post"])
    @idempotent_api
    def receipts(self, request, *args, **kwargs):
        donation = self.get_object()
        serializer = ReceiptCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = donation_receive(donation=donation, actor=request.user, access=self.access,
                                 **serializer.validated_data)
        return Response(DonationEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WithdrawalCreateSerializer, responses={201: DonationEntrySerializer},
                   parameters=[IDEMPOTENCY_KEY_PARAMETER], summary="Withdraw part or all of a pledge (with a reason)")
    @action(detail=True, methods=["post"])
    @idempotent_api
    def withdrawals(self, request, *args, **kwargs):
        donation = self.get_object()
        serializer = WithdrawalCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = donation_withdraw(donation=donation, actor=request.user, access=self.access,
                                  **serializer.validated_data)
        return Response(DonationEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


@extend_schema_view(retrieve=extend_schema(summary="One donation entry"))
class DonationEntryViewSet(mixins.RetrieveModelMixin, TenantViewSet):
    """Entries are never edited or deleted; a mistake is undone with a reversal."""

    permission = MONEY_VIEW
    write_permission = MONEY_RECORD
    queryset = DonationEntry.objects.none()
    serializer_class = DonationEntrySerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_chamber_queryset(self):
        return DonationEntry.objects.filter(chamber=self.chamber).select_related("donation", "reversed_by")

    @extend_schema(request=LedgerReverseSerializer, responses={201: DonationEntrySerializer},
                   parameters=[IDEMPOTENCY_KEY_PARAMETER], summary="Reverse a receipt or a withdrawal (with a reason)")
    @action(detail=True, methods=["post"])
    @idempotent_api
    def reverse(self, request, *args, **kwargs):
        entry = self.get_object()
        serializer = LedgerReverseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry.donation.chamber = self.chamber
        reversal = donation_entry_reverse(entry=entry, actor=request.user, access=self.access,
                                          reason=serializer.validated_data["reason"])
        return Response(DonationEntrySerializer(reversal).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(
    summary="Totals by programme, donor, branch or year", responses=TotalsSerializer,
    parameters=[OpenApiParameter("by", OpenApiTypes.STR, enum=TOTALS_BY, description="Default: programme."), YEAR],
))
class TotalsViewSet(TenantViewSet):
    """Pledged, received and outstanding, grouped one way."""

    permission = MONEY_VIEW
    write_permission = None
    queryset = Donation.objects.none()
    serializer_class = TotalsSerializer
    pagination_class = None

    def list(self, request, *args, **kwargs):
        by = request.query_params.get("by") or "programme"
        if by not in TOTALS_BY:
            raise serializers.ValidationError({"by": _("Choose programme, donor, branch or year.")})
        document = totals_by(chamber=self.chamber, by=by, year=_int_param(request, "year"))
        return Response(TotalsSerializer(document).data)

