"""/api/v1/chambers/<chamber>/dues/: fee schedules, invoices (with payments, waivers and
generation), entries (reversal), arrears and a year's totals.

Reading needs `money.view`; every write needs `money.record` (the treasurer's capability).
Every POST that creates money records takes an Idempotency-Key header and replays the
first answer to a retry.
"""
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from branches.models import Branch
from chamber.access import MONEY_RECORD, MONEY_VIEW
from chamber.api.mixins import TenantViewSet
from chamber.api.serializers import LedgerReverseSerializer
from chamber.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent_api
from members.dues.selectors import (
    INVOICE_STATUSES,
    dues_arrears_list,
    dues_entry_get,
    dues_invoice_detail,
    dues_invoice_list,
    dues_year_totals,
    fee_schedule_list,
)
from members.dues.services import (
    dues_entry_reverse,
    dues_invoices_generate,
    dues_payment_record,
    dues_waive,
    fee_schedule_set,
)
from members.models import DuesEntry, DuesInvoice, FeeSchedule, Rank

from .dues_serializers import (
    DuesEntrySerializer,
    DuesInvoiceDetailSerializer,
    DuesInvoiceSerializer,
    FeeScheduleSerializer,
    DuesGenerateResultSerializer,
    DuesGenerateSerializer,
    DuesPaymentSerializer,
    DuesWaiverSerializer,
    DuesYearTotalsSerializer,
)

YEAR = OpenApiParameter("year", OpenApiTypes.INT, description="Only this year.")
FILTERS = [
    YEAR,
    OpenApiParameter("branch", OpenApiTypes.INT, description="Members in this branch or below it."),
    OpenApiParameter("rank", OpenApiTypes.INT, description="Members of this rank."),
    OpenApiParameter("search", OpenApiTypes.STR, description="Part of the member's name, or an invoice number."),
]


def _int_param(params, name):
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        number = int(raw)
    except ValueError:
        raise serializers.ValidationError({name: _("Enter a whole number.")}) from None
    # An id past a bigint, or a year datetime.date() cannot hold, would be a 500.
    if not 0 < number < 10_000_000_000:
        raise serializers.ValidationError({name: _("Enter a whole number.")})
    if name == "year" and not 1900 < number < 2200:
        raise serializers.ValidationError({"year": _("Enter a year such as 2024.")})
    return number


def _filters(request, chamber):
    """The list filters from the query string; another chamber's branch or rank does not exist."""
    params = request.query_params
    found = {"year": _int_param(params, "year"), "search": params.get("search", "")}
    for name, model in (("branch", Branch), ("rank", Rank)):
        pk = _int_param(params, name)
        found[name] = None
        if pk is not None:
            found[name] = model.objects.filter(chamber=chamber, pk=pk).first()
            if found[name] is None:
                raise serializers.ValidationError({name: _("This record does not exist.")})
    return found


class DuesMixin:
    """Read: money.view; write: money.record."""

    permission = MONEY_VIEW
    write_permission = MONEY_RECORD


@extend_schema_view(
    list=extend_schema(summary="Fee schedules, latest year first"),
    retrieve=extend_schema(summary="One year's fee schedule"),
    create=extend_schema(responses={200: FeeScheduleSerializer, 201: FeeScheduleSerializer},
                         summary="Set a year's fee schedule (creates it, or updates the year's); issued invoices keep their amount"),
)
class FeeScheduleViewSet(DuesMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         TenantViewSet):
    queryset = FeeSchedule.objects.none()
    serializer_class = FeeScheduleSerializer

    def get_chamber_queryset(self):
        # 3 queries a page: count, schedules, rates (+ rank).
        return fee_schedule_list(chamber=self.chamber)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        existed = FeeSchedule.objects.filter(chamber=self.chamber, year=data["year"]).exists()
        schedule = fee_schedule_set(chamber=self.chamber, actor=request.user, year=data["year"], due_on=data["due_on"],
                                    grace_days=data.get("grace_days", 90), note=data.get("note", ""),
                                    rates={row["rank"]: row["amount"] for row in data["rates"]})
        schedule = self.get_chamber_queryset().get(pk=schedule.pk)
        return Response(self.get_serializer(schedule).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Dues invoices (filter by year, status, branch, rank, member name)",
                       parameters=[*FILTERS, OpenApiParameter("status", OpenApiTypes.STR,
                                                              enum=list(INVOICE_STATUSES))]),
    retrieve=extend_schema(summary="One invoice with its payments, waivers and reversals",
                           responses=DuesInvoiceDetailSerializer),
)
class DuesInvoiceViewSet(DuesMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = DuesInvoice.objects.none()
    serializer_class = DuesInvoiceSerializer

    def get_chamber_queryset(self):
        if self.action == "list":
            filters = _filters(self.request, self.chamber)
            # 2 queries a page: count, invoices (+ member).
            return dues_invoice_list(chamber=self.chamber, status=self.request.query_params.get("status"), **filters)
        return DuesInvoice.objects.filter(chamber=self.chamber).order_by("pk")

    def retrieve(self, request, *args, **kwargs):
        invoice = self.get_object()
        invoice = dues_invoice_detail(chamber=self.chamber, pk=invoice.pk)
        return Response(DuesInvoiceDetailSerializer(invoice, context=self.get_serializer_context()).data)

    def _money(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=DuesGenerateSerializer, responses={200: DuesGenerateResultSerializer},
                   parameters=[IDEMPOTENCY_KEY_PARAMETER], summary="Issue the year's invoices (idempotent: a second run creates none)")
    @action(detail=False, methods=["post"])
    @idempotent_api
    def generate(self, request, *args, **kwargs):
        data = self._money(DuesGenerateSerializer)
        result = dues_invoices_generate(chamber=self.chamber, actor=request.user, year=data["year"])
        return Response(result.as_dict())

    @extend_schema(request=DuesPaymentSerializer, responses={201: DuesEntrySerializer}, parameters=[IDEMPOTENCY_KEY_PARAMETER],
                   summary="Record a payment received (partial payments allowed; overpaying is refused)")
    @action(detail=True, methods=["post"])
    @idempotent_api
    def payments(self, request, *args, **kwargs):
        invoice = self.get_object()
        data = self._money(DuesPaymentSerializer)
        entry = dues_payment_record(invoice=invoice, actor=request.user, amount=data["amount"], paid_on=data["paid_on"],
                                    method=data["method"], reference=data["reference"], note=data["note"])
        return Response(DuesEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DuesWaiverSerializer, responses={201: DuesEntrySerializer}, parameters=[IDEMPOTENCY_KEY_PARAMETER],
                   summary="Waive part or all of what is outstanding, with a reason")
    @action(detail=True, methods=["post"])
    @idempotent_api
    def waivers(self, request, *args, **kwargs):
        invoice = self.get_object()
        data = self._money(DuesWaiverSerializer)
        entry = dues_waive(invoice=invoice, actor=request.user, amount=data["amount"], reason=data["reason"])
        return Response(DuesEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=FILTERS, responses=DuesInvoiceSerializer(many=True),
                   summary="Arrears: invoices with something outstanding, oldest due first")
    @action(detail=False, methods=["get"])
    def arrears(self, request, *args, **kwargs):
        # 2 queries a page: count, invoices (+ member).
        queryset = dues_arrears_list(chamber=self.chamber, **_filters(request, self.chamber))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(DuesInvoiceSerializer(page, many=True).data)

    @extend_schema(parameters=[OpenApiParameter("year", OpenApiTypes.INT, required=True)],
                   responses=DuesYearTotalsSerializer, summary="A year's dues: invoiced, paid, waived, outstanding")
    @action(detail=False, methods=["get"])
    def totals(self, request, *args, **kwargs):
        year = _int_param(request.query_params, "year")
        if year is None:
            raise serializers.ValidationError({"year": _("This field is required.")})
        return Response(DuesYearTotalsSerializer(dues_year_totals(chamber=self.chamber, year=year)).data)


@extend_schema_view(retrieve=extend_schema(summary="One payment, waiver or reversal"))
class DuesEntryViewSet(DuesMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = DuesEntry.objects.none()
    serializer_class = DuesEntrySerializer

    def get_chamber_queryset(self):
        return DuesEntry.objects.filter(chamber=self.chamber).order_by("pk")

    @extend_schema(request=LedgerReverseSerializer, responses={201: DuesEntrySerializer}, parameters=[IDEMPOTENCY_KEY_PARAMETER],
                   summary="Undo a payment or waiver with a reversal entry (the original stays)")
    @action(detail=True, methods=["post"])
    @idempotent_api
    def reverse(self, request, *args, **kwargs):
        entry = get_object_or_404(self.get_chamber_queryset(), pk=kwargs["pk"])
        entry = dues_entry_get(chamber=self.chamber, pk=entry.pk)
        serializer = LedgerReverseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reversal = dues_entry_reverse(entry=entry, actor=request.user, reason=serializer.validated_data["reason"])
        return Response(DuesEntrySerializer(reversal).data, status=status.HTTP_201_CREATED)
