"""GET /healthz: the state of the database, Redis and the workers (placeholder, completed by infra)."""
from django.db import connection


def health_report():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok", "database": "ok"}
