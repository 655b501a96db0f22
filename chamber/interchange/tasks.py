"""Background work of imports and exports: large files are checked, imported and written
by a worker (the modules below), the pages poll their progress."""
from .import_tasks import *  # noqa: F401,F403
from .export_tasks import *  # noqa: F401,F403
