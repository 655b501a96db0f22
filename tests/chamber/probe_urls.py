"""URLs for the tenancy tests: tiny views under /c/<chamber>/ that query scoped models.

`probe/` queries while the view runs; `probe-render/` returns an unrendered
TemplateResponse whose template builds and runs its query only while rendering.
"""
from django.http import HttpResponse
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import path

from chamber.urls import urlpatterns as project_urlpatterns
from members.models import Membership


def probe(request, chamber):
    names = sorted(str(m) for m in Membership.objects.select_related("enterprise", "person"))
    return HttpResponse("|".join(names), content_type="text/plain")


class LazyRoster:
    """Builds its queryset only when the template asks for it, i.e. during rendering."""

    def names(self):
        return sorted(str(m) for m in Membership.objects.select_related("enterprise", "person"))


RENDER_TEMPLATE = engines["django"].from_string("{% for name in roster.names %}[{{ name }}]{% endfor %}")


def probe_render(request, chamber):
    return TemplateResponse(request, RENDER_TEMPLATE, {"roster": LazyRoster()})


# The project's own URLs stay (error templates reverse them); the probes are added.
urlpatterns = [
    *project_urlpatterns,
    path("c/<slug:chamber>/probe/", probe, name="probe"),
    path("c/<slug:chamber>/probe-render/", probe_render, name="probe-render"),
    path("api/v1/chambers/<slug:chamber>/probe/", probe, name="api-probe"),
]
