"""Charity pages under /c/<chamber>/charity/."""
from django.urls import path

from . import views

app_name = "charity"

urlpatterns = [
    path("", views.ProgrammeListView.as_view(), name="programmes"),
    path("new/", views.ProgrammeCreateView.as_view(), name="programme_create"),
    path("totals/", views.TotalsView.as_view(), name="totals"),
    path("<int:pk>/", views.ProgrammeDetailView.as_view(), name="programme"),
    path("<int:pk>/edit/", views.ProgrammeEditView.as_view(), name="programme_edit"),
    path("<int:pk>/recipients/new/", views.RecipientCreateView.as_view(), name="recipient_create"),
    path("<int:pk>/recipients/<int:recipient>/edit/", views.RecipientEditView.as_view(), name="recipient_edit"),
    path("<int:pk>/donate/", views.DonationCreateView.as_view(), name="donation_create"),
    path("donations/<int:pk>/", views.DonationDetailView.as_view(), name="donation"),
    path("donations/<int:pk>/receipts/new/", views.ReceiptCreateView.as_view(), name="receipt_create"),
    path("donations/<int:pk>/withdraw/", views.WithdrawalCreateView.as_view(), name="withdrawal_create"),
    path("entries/<int:pk>/reverse/", views.EntryReverseView.as_view(), name="entry_reverse"),
    path("entries/<int:pk>/receipt/", views.ReceiptPrintView.as_view(), name="receipt"),
    # Last: close / reopen / public / private.
    path("<int:pk>/<slug:switch>/", views.ProgrammeSwitchView.as_view(), name="programme_switch"),
]
