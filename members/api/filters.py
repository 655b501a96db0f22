"""Filters of the roster lists. Ids in filters are looked up in the request's chamber only:
another chamber's branch or term is "not a valid choice" (400), never its data."""
import datetime

from django_filters import rest_framework as django_filters
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from branches.models import Branch
from chamber.validators import industry_section
from members.models import Membership, MembershipKind, MembershipStatus, OfficerPosition, Term
from members.selectors import membership_filter_in_branch, membership_search_q, term_current


def _in_chamber(model):
    def queryset(request):
        chamber = getattr(request, "chamber", None)
        return model.objects.none() if chamber is None else model.objects.filter(chamber=chamber)

    return queryset


def industry_prefix(value):
    """'c38' → 'C38'; bare digits get their section letter ('3831' → 'C3831')."""
    value = (value or "").strip().upper()
    if value[:2].isdigit():
        section = industry_section(int(value[:2]))
        if section:
            return section + value
    return value


# Public ordering keys and what they sort by; pk is always appended as the last key so
# that pages never overlap or skip rows.
MEMBERSHIP_ORDERING = {
    "name": F("name"),
    "joined_on": F("joined_on"),
    "member_number": F("member_number"),
    "updated_at": F("updated_at"),
    "rank": F("rank__order"),
}


class MembershipOrdering(django_filters.OrderingFilter):
    def __init__(self, **kwargs):
        kwargs.setdefault("fields", {key: key for key in MEMBERSHIP_ORDERING})
        kwargs.setdefault("help_text", _("Sort by name, joined_on, member_number, updated_at or rank (rank order); "
                                         "prefix - to reverse; comma-separate several."))
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = []
        for param in value:
            descending = param.startswith("-")
            expression = MEMBERSHIP_ORDERING[param.lstrip("-")]
            ordering.append(expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True))
        return qs.order_by(*ordering, "pk")


class MembershipFilter(django_filters.FilterSet):
    branch = extend_schema_field(OpenApiTypes.INT)(django_filters.ModelChoiceFilter(
        queryset=_in_chamber(Branch), method="filter_branch",
        help_text=_("Branch id: members of that branch or anywhere below it."),
    ))
    rank = django_filters.CharFilter(method="filter_rank", help_text=_("Rank id or code, e.g. vice-president."))
    # distinct=False: a filter on a column of the membership itself cannot produce duplicates,
    # and DISTINCT would make PostgreSQL hash every matching row for the count and the page.
    status = django_filters.MultipleChoiceFilter(choices=MembershipStatus.choices, distinct=False,
                                                 help_text=_("Repeat for several."))
    kind = django_filters.ChoiceFilter(choices=MembershipKind.choices)
    industry = django_filters.CharFilter(method="filter_industry",
                                         help_text=_("GB/T 4754 prefix: C, C38, C3831 (or 38…)."))
    division = django_filters.CharFilter(field_name="enterprise__division_code", lookup_expr="startswith",
                                         help_text=_("Prefix of the 6-digit division code, e.g. 3205."))
    joined_after = django_filters.DateFilter(field_name="joined_on", lookup_expr="gte")
    joined_before = django_filters.DateFilter(field_name="joined_on", lookup_expr="lte")
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", method="filter_updated_since",
                                                     help_text=_("ISO 8601 date-time, e.g. 2025-01-31T08:00:00+08:00."))
    search = django_filters.CharFilter(method="filter_search",
                                       help_text=_("Name, USCC, pinyin initials (szgd), member number, contact name or mobile."))
    ordering = MembershipOrdering()

    class Meta:
        model = Membership
        fields = ()

    def filter_updated_since(self, queryset, name, value):
        # In UTC: PostgreSQL refuses an offset past ±15:59 (-23:33 is valid ISO 8601), a 500 found
        # by tests/trust/test_api_fuzz.py. A time past the calendar's end has nothing after it.
        try:
            value = value.astimezone(datetime.timezone.utc)
        except OverflowError:
            return queryset.none() if value.year > 1 else queryset
        return queryset.filter(updated_at__gte=value)

    def filter_branch(self, queryset, name, value):
        return membership_filter_in_branch(queryset, value)

    def filter_rank(self, queryset, name, value: str):
        value = value.strip()
        return queryset.filter(rank_id=int(value)) if value.isdigit() else queryset.filter(rank__code=value)

    def filter_industry(self, queryset, name, value: str):
        return queryset.filter(enterprise__industry_code__startswith=industry_prefix(value))

    def filter_search(self, queryset, name, value: str):
        return queryset.filter(membership_search_q(value, chamber=self.request.chamber))


class OfficerFilter(django_filters.FilterSet):
    term = extend_schema_field(OpenApiTypes.INT)(django_filters.ModelChoiceFilter(
        queryset=_in_chamber(Term), help_text=_("Term id; default: all terms."),
    ))
    current = django_filters.BooleanFilter(method="filter_current",
                                           help_text=_("true / 1: only the term in force today."))

    class Meta:
        model = OfficerPosition
        fields = ()

    def filter_current(self, queryset, name, value: bool):
        if not value:
            return queryset
        return queryset.filter(term=term_current(chamber=self.request.chamber))
