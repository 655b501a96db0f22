"""Racing real threads against PostgreSQL, each with its own connection (the concurrency tests)."""
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection


def race(work, arguments):
    """Run work(argument) in one thread per argument, all released at once; returns the
    outcomes in finishing order: ("ok", result), ("refused", ValidationError) or ("error", e)."""
    barrier, outcomes = threading.Barrier(len(arguments)), []

    def run(argument):
        try:
            barrier.wait()
            outcomes.append(("ok", work(argument)))
        except ValidationError as error:
            outcomes.append(("refused", error))
        except Exception as error:  # pragma: no cover - reported by the assertions
            outcomes.append(("error", error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


# The skip every race test carries: SQLite serialises all writers, so nothing would race.
NEEDS_POSTGRES = pytest.mark.skipif(connection.vendor != "postgresql",
                                    reason="needs PostgreSQL: SQLite serialises all writers, so nothing would race")
