"""The public verification page a certificate's QR code opens, at /verify/<code>/ (no sign-in,
no chamber in the address: the code alone names the certificate)."""
from django.urls import path

from . import views

app_name = "verify"

urlpatterns = [
    path("<str:code>/", views.verify, name="certificate"),
]
