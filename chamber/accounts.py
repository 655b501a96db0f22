"""Account pages (log in, password change and reset): Django's views with our forms.

Only the forms change: Django's views already do the right thing (rotating the session
on password change, tokens that expire and die once used, no hint whether an email
address has an account).
"""
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.urls import path

from .forms import StyledFormMixin
from .security import twofactor

PRODUCT_NAME = "商会管理平台"


class LoginForm(StyledFormMixin, auth_forms.AuthenticationForm):
    pass


class PasswordChangeForm(StyledFormMixin, auth_forms.PasswordChangeForm):
    pass


class PasswordResetForm(StyledFormMixin, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(StyledFormMixin, auth_forms.SetPasswordForm):
    pass


# Listed before django.contrib.auth.urls, so these names resolve here first.
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(form_class=LoginForm), name="login"),
    path("password_change/", auth_views.PasswordChangeView.as_view(form_class=PasswordChangeForm),
         name="password_change"),
    path("password_reset/", auth_views.PasswordResetView.as_view(
        form_class=PasswordResetForm, extra_email_context={"site_name": PRODUCT_NAME}), name="password_reset"),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(form_class=SetPasswordForm),
         name="password_reset_confirm"),
    # Two-factor set-up and verification (chamber/security/twofactor.py).
    *twofactor.urlpatterns,
]
