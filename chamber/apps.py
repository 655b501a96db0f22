from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChamberConfig(AppConfig):
    name = "chamber"
    verbose_name = _("Chambers")

    def ready(self):
        from . import preferences  # noqa: F401  (connects the log-in signal)
        from .documents import signals  # noqa: F401  (drops cached certificate PDFs when their sources change)
        # --- rls (issue 10): row-level security policies after migrate, chamber set per statement.
        from . import rls
        rls.connect_signals()
        # --- end rls
