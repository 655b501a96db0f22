"""Personal data (PIPL): resident ID numbers encrypted at rest, their digest for uniqueness
and look-ups, consent history, anonymisation mark.

The data step encrypts every existing plain ID number with the first ID_NUMBER_KEYS key and
fills its digest (raw SQL: the model field would encrypt or decrypt on the way). Reversible:
going back decrypts the column again before it turns back into varchar(18).
"""

import chamber.crypto
import chamber.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


FERNET_PREFIX = "gAAAAA"


def _rows(cursor, table):
    cursor.execute(f"SELECT id, id_number FROM {table} WHERE id_number <> ''")
    return cursor.fetchall()


def encrypt_id_numbers(apps, schema_editor):
    from chamber.crypto import encrypt, id_number_digest

    table = apps.get_model("members", "Person")._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        # Every value that is not already a Fernet token (they all start with "gAAAAA", the
        # version byte 0x80 in base64) is a plain number, whatever its length: one left in
        # clear could not be read back by the field.
        rows = [(encrypt(value), id_number_digest(value), pk) for pk, value in _rows(cursor, table)
                if not value.startswith(FERNET_PREFIX)]
        cursor.executemany(f"UPDATE {table} SET id_number = %s, id_number_digest = %s WHERE id = %s", rows)


def decrypt_id_numbers(apps, schema_editor):
    from chamber.crypto import decrypt

    table = apps.get_model("members", "Person")._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        rows = [(decrypt(value), pk) for pk, value in _rows(cursor, table) if value.startswith(FERNET_PREFIX)]
        cursor.executemany(f"UPDATE {table} SET id_number = %s, id_number_digest = '' WHERE id = %s", rows)


class Migration(migrations.Migration):

    dependencies = [
        ('chamber', '0008_annual_reports'),
        ('members', '0011_digit_search_within_chamber'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PersonConsent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('given', 'Consent given'), ('withdrawn', 'Consent withdrawn')], max_length=10, verbose_name='consent')),
                ('basis', models.CharField(choices=[('recorded', 'Obtained by the secretariat'), ('self', 'Confirmed by the person')], max_length=10, verbose_name='basis')),
                ('text_version', models.CharField(max_length=20, verbose_name='notice version')),
                ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded at')),
            ],
            options={
                'verbose_name': 'personal data consent',
                'verbose_name_plural': 'personal data consents',
                'ordering': ['-recorded_at', '-pk'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='person',
            name='person_id_number_unique_in_chamber',
        ),
        migrations.AddField(
            model_name='person',
            name='anonymised_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='anonymised at'),
        ),
        migrations.AddField(
            model_name='person',
            name='id_number_digest',
            field=chamber.crypto.DigestField(source='id_number', verbose_name='ID number digest'),
        ),
        migrations.AlterField(
            model_name='person',
            name='id_number',
            field=chamber.crypto.EncryptedCharField(blank=True, max_length=18, validators=[chamber.validators.validate_id_number], verbose_name='resident ID number'),
        ),
        migrations.RunPython(encrypt_id_numbers, decrypt_id_numbers),
        migrations.AddConstraint(
            model_name='person',
            constraint=models.UniqueConstraint(condition=models.Q(('id_number_digest', ''), _negated=True), fields=('chamber', 'id_number_digest'), name='person_id_number_unique_in_chamber'),
        ),
        migrations.AddField(
            model_name='personconsent',
            name='chamber',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='chamber.chamber', verbose_name='chamber'),
        ),
        migrations.AddField(
            model_name='personconsent',
            name='person',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='consents', to='members.person', verbose_name='person'),
        ),
        migrations.AddField(
            model_name='personconsent',
            name='recorded_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by'),
        ),
        migrations.AddIndex(
            model_name='personconsent',
            index=models.Index(fields=['chamber', 'person', 'recorded_at'], name='members_per_chamber_fd2174_idx'),
        ),
    ]
