"""Tokens of firmware jobs and upload requests kept only as their SHA-256 (docs/file-transfer.md).

The tokens already stored are hashed in place, so the URLs and FTP passwords stations hold keep
working; the locations and requests stored with them (and in the frame log) keep only what may be
shown of the token. Irreversible: the tokens are gone."""

from django.db import migrations, models

from stations.firmware.tokens import (
    CARRYING_ACTIONS,
    location_without_token,
    payload_without_token,
    token_hash,
)

BATCH = 500


def hash_tokens(apps, schema_editor) -> None:
    for name in ("FirmwareJob", "UploadRequest"):
        rows = apps.get_model("firmware", name).objects.exclude(token_hash=None)
        _update(rows.only("id", "token_hash", "location", "action", "request"), _without_token,
                ["token_hash", "location", "request"])
    frames = apps.get_model("stations", "OcppMessage").objects.filter(direction="out",
                                                                     action__in=CARRYING_ACTIONS)
    _update(frames.only("id", "action", "payload"), _frame_without_token, ["payload"])


def _without_token(row) -> None:
    if len(row.token_hash) != 64:  # a plain token has 43 characters, its hash 64
        row.token_hash = token_hash(row.token_hash)
    row.location = location_without_token(row.location)
    row.request = payload_without_token(row.action, row.request)


def _frame_without_token(frame) -> None:
    frame.payload = payload_without_token(frame.action, frame.payload)


def _update(rows, change, fields: list[str]) -> None:
    model, batch = rows.model, []
    for row in rows.order_by("id").iterator(chunk_size=BATCH):
        change(row)
        batch.append(row)
        if len(batch) == BATCH:
            model.objects.bulk_update(batch, fields)
            batch = []
    model.objects.bulk_update(batch, fields)


class Migration(migrations.Migration):

    dependencies = [
        ('firmware', '0002_job_failure_reason'),
        ('stations', '0010_lifecycle_file_transfer_id_tags_ci'),
    ]

    operations = [
        migrations.RenameField(model_name='firmwarejob', old_name='token', new_name='token_hash'),
        migrations.RenameField(model_name='uploadrequest', old_name='token', new_name='token_hash'),
        migrations.AlterField(
            model_name='firmwarejob',
            name='token_hash',
            field=models.CharField(blank=True, editable=False, help_text='SHA-256 (hex) of the token sent; none before', max_length=64, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name='uploadrequest',
            name='token_hash',
            field=models.CharField(blank=True, editable=False, help_text='SHA-256 (hex) of the token sent; none before', max_length=64, null=True, unique=True),
        ),
        migrations.RunPython(hash_tokens, migrations.RunPython.noop, elidable=True),
    ]
