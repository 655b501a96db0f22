"""Charity pages under /c/<chamber>/charity/ (and the public honour roll under /public/)."""
from .donations import (
    DonationCreateView,
    DonationDetailView,
    EntryReverseView,
    ReceiptCreateView,
    ReceiptPrintView,
    WithdrawalCreateView,
)
from .programmes import (
    ProgrammeCreateView,
    ProgrammeDetailView,
    ProgrammeEditView,
    ProgrammeListView,
    ProgrammeSwitchView,
    RecipientCreateView,
    RecipientEditView,
)
from .totals import TotalsView

__all__ = [
    "DonationCreateView", "DonationDetailView", "EntryReverseView", "ReceiptCreateView", "ReceiptPrintView",
    "WithdrawalCreateView", "ProgrammeCreateView", "ProgrammeDetailView", "ProgrammeEditView", "ProgrammeListView",
    "ProgrammeSwitchView", "RecipientCreateView", "RecipientEditView", "TotalsView",
]
