"""Import kinds of the members app (see chamber/interchange/kinds.py): members, officers and
annual enterprise figures, one module each; importing this package registers them."""
from . import figures, members, officers  # noqa: F401
