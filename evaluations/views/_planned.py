"""Stand-in for a page another part of the evaluations issue is building, so that links
between parts resolve from the start. Deleted once every part has its pages."""
from django.http import Http404


def planned(request, **kwargs):
    raise Http404
