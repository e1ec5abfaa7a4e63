"""Free text about protection (reasons, who carries a measure out, what the retaliation was)
points at the reporter: store it encrypted, and encrypt what was stored in clear before."""

from cryptography.fernet import InvalidToken
from django.db import migrations

import core.fields
from core import crypto

# (table, primary key column, columns) that held free text in clear.
PLAINTEXT_COLUMNS = [
    ("protection_protectionrequest", "id", ("reason", "decision_reason", "end_reason")),
    (
        "protection_historicalprotectionrequest",
        "history_id",
        ("reason", "decision_reason", "end_reason"),
    ),
    ("protection_protectionmeasure", "id", ("carried_out_by", "note")),
    ("protection_historicalprotectionmeasure", "history_id", ("carried_out_by", "note")),
    ("protection_retaliationreport", "id", ("description", "action_taken")),
    ("protection_historicalretaliationreport", "history_id", ("description", "action_taken")),
]


def encrypt_existing(apps, schema_editor):
    """Values that are already ciphertext stay as they are, so running it twice is harmless."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, key, columns in PLAINTEXT_COLUMNS:
            for column in columns:
                cursor.execute(
                    f"SELECT {quote(key)}, {quote(column)} FROM {quote(table)} "  # noqa: S608
                    f"WHERE {quote(column)} <> ''"
                )
                for pk, value in cursor.fetchall():
                    try:
                        crypto.fernet().decrypt(value.encode("ascii"))
                        continue
                    except (InvalidToken, UnicodeEncodeError):
                        pass
                    cursor.execute(
                        f"UPDATE {quote(table)} SET {quote(column)} = %s "  # noqa: S608
                        f"WHERE {quote(key)} = %s",
                        [crypto.encrypt_str(value), pk],
                    )


class Migration(migrations.Migration):
    dependencies = [
        ("protection", "0004_evidence_reveal_action"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalprotectionmeasure",
            name="carried_out_by",
            field=core.fields.EncryptedTextField(verbose_name="cơ quan thực hiện"),
        ),
        migrations.AlterField(
            model_name="historicalprotectionmeasure",
            name="note",
            field=core.fields.EncryptedTextField(blank=True, verbose_name="ghi chú"),
        ),
        migrations.AlterField(
            model_name="historicalprotectionrequest",
            name="decision_reason",
            field=core.fields.EncryptedTextField(blank=True, verbose_name="lý do"),
        ),
        migrations.AlterField(
            model_name="historicalprotectionrequest",
            name="end_reason",
            field=core.fields.EncryptedTextField(blank=True, verbose_name="lý do chấm dứt"),
        ),
        migrations.AlterField(
            model_name="historicalprotectionrequest",
            name="reason",
            field=core.fields.EncryptedTextField(verbose_name="lý do đề nghị"),
        ),
        migrations.AlterField(
            model_name="historicalretaliationreport",
            name="action_taken",
            field=core.fields.EncryptedTextField(blank=True, verbose_name="biện pháp xử lý"),
        ),
        migrations.AlterField(
            model_name="historicalretaliationreport",
            name="description",
            field=core.fields.EncryptedTextField(verbose_name="sự việc"),
        ),
        migrations.AlterField(
            model_name="protectionmeasure",
            name="carried_out_by",
            field=core.fields.EncryptedTextField(verbose_name="cơ quan thực hiện"),
        ),
        migrations.AlterField(
            model_name="protectionmeasure",
            name="note",
            field=core.fields.EncryptedTextField(blank=True, verbose_name="ghi chú"),
        ),
        migrations.AlterField(
            model_name="protectionrequest",
            name="decision_reason",
            field=core.fields.EncryptedTextField(blank=True, verbose_name="lý do"),
        ),
        migrations.AlterField(
            model_name="protectionrequest",
            name="end_reason",
            field=core.fields.EncryptedTextField(blank=True, verbose_name="lý do chấm dứt"),
        ),
        migrations.AlterField(
            model_name="protectionrequest",
            name="reason",
            field=core.fields.EncryptedTextField(verbose_name="lý do đề nghị"),
        ),
        migrations.AlterField(
            model_name="retaliationreport",
            name="action_taken",
            field=core.fields.EncryptedTextField(blank=True, verbose_name="biện pháp xử lý"),
        ),
        migrations.AlterField(
            model_name="retaliationreport",
            name="description",
            field=core.fields.EncryptedTextField(verbose_name="sự việc"),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
    ]
