"""A representative's consent to the processing of their own personal data (PIPL), in the
member portal: they see what the chamber holds about them (masked) and give or withdraw
consent. The secretariat records consent it obtained on the person forms instead."""
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from chamber.access import SELF_SERVICE
from chamber.mixins import ChamberViewMixin
from chamber.validators import mask_id_number, mask_mobile

from ..models import ConsentAction, ConsentBasis
from ..privacy import consent_record, own_people


class PortalConsentView(ChamberViewMixin, TemplateView):
    """The user's own person records in this chamber and their consent, with give/withdraw."""

    permission = SELF_SERVICE
    write_permission = SELF_SERVICE
    template_name = "members/portal/consent.html"

    def get_context_data(self, **kwargs):
        people = list(own_people(chamber=self.chamber, user=self.request.user))
        for person in people:
            person.masked_mobile = mask_mobile(person.mobile)
            person.masked_id_number = mask_id_number(person.id_number)
        return super().get_context_data(people=people, **kwargs)

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action not in ConsentAction.values:
            messages.error(request, _("Choose whether to give or withdraw your consent."))
            return redirect(request.path)
        people = list(own_people(chamber=self.chamber, user=request.user))
        for person in people:
            person.chamber = self.chamber
            consent_record(person=person, actor=request.user, action=action, basis=ConsentBasis.SELF)
        if people:
            messages.success(request, _("Your consent has been recorded.") if action == ConsentAction.GIVEN
                             else _("Your withdrawal of consent has been recorded."))
        return redirect(reverse("members:portal_consent", kwargs={"chamber": self.chamber.slug}))


urlpatterns = [
    path("portal/consent/", PortalConsentView.as_view(), name="portal_consent"),
]
