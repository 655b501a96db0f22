"""Rendering tasks: thin, they take ids and call the services (sent with
transaction.on_commit by whoever creates the rows)."""
from celery import shared_task

__all__ = ["certificate_render", "document_batch_render"]


@shared_task(ignore_result=True)
def certificate_render(certificate_id):
    """Render one certificate's PDF into its cache (a no-op when it is cached already)."""
    from django_scopes import scope, scopes_disabled

    from .models import Certificate
    from .services import certificate_pdf

    with scopes_disabled():
        certificate = Certificate.objects.select_related("chamber").filter(pk=certificate_id).first()
    if certificate is None:  # deleted since the task was sent
        return
    with scope(chamber=certificate.chamber):
        certificate_pdf(certificate)


@shared_task(ignore_result=True)
def document_batch_render(batch_id):
    """Render a batch's documents and zip them; idempotent on redelivery (see batches.py)."""
    from .batches import batch_render

    batch_render(batch_id)
