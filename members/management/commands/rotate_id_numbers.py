"""Re-encrypt every resident ID number with the first key of ID_NUMBER_KEYS and recompute
its digest with ID_NUMBER_DIGEST_KEY (chamber/crypto.py explains the keys).

Rotation: put the new Fernet key first in ID_NUMBER_KEYS (keep the old one after it), run
this, then remove the old key. Changing ID_NUMBER_DIGEST_KEY also needs a run. Rows are
read and written raw, in batches, so nothing else about a person changes (no updated_at).
"""
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from chamber.crypto import decrypt, encrypt, id_number_digest
from chamber.rls import chambers
from members.models import Person

BATCH = 2000


class Command(BaseCommand):
    help = "Re-encrypt resident ID numbers with the first ID_NUMBER_KEYS key and recompute their digests."

    def handle(self, *args, **options):
        # Every chamber's people: under the application role with row-level security a run
        # without the system context would see none and report "0 re-encrypted", and removing
        # the old key after that would lose every number.
        with chambers(all=True):
            self.rotate()

    def rotate(self):
        table = Person._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table} WHERE id_number <> ''")
            expected = cursor.fetchone()[0]
        done, last = 0, 0
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SELECT id, id_number FROM {table} WHERE id > %s AND id_number <> '' "
                               f"ORDER BY id LIMIT {BATCH}", [last])
                rows = cursor.fetchall()
                if not rows:
                    break
                updates = []
                for pk, token in rows:
                    plain = decrypt(token)
                    updates.append((encrypt(plain), id_number_digest(plain), pk))
                cursor.executemany(f"UPDATE {table} SET id_number = %s, id_number_digest = %s WHERE id = %s", updates)
            done += len(rows)
            last = rows[-1][0]
        if done < expected:
            raise CommandError(f"Only {done} of {expected} ID numbers were re-encrypted: keep the old key.")
        self.stdout.write(f"{done} ID numbers re-encrypted.")
