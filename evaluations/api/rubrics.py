"""API of the evaluations app: rubrics (filled by its part of the evaluations issue)."""


def register(router):
    """Add this module's viewsets to the evaluations router."""
