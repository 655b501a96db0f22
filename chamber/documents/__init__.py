"""Documents rendered with WeasyPrint: certificates (rating awards, membership, officer
appointment letters) verifiable by QR code, and later the annual report. Rendering runs in
Celery; the result is kept as a file on the row and dropped when its source changes."""
