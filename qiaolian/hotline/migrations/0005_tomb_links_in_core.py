"""The tomb-sweeping proof link moves to core's PrivateLink. Every live link (a stored digest)
becomes a PrivateLink with the same digest and expiry, so links already sent keep working."""

import uuid

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

PURPOSE = "hotline.tomb_proof"


def _content_type(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    kind, _created = ContentType.objects.get_or_create(
        app_label="hotline", model="tombsweepingorder"
    )
    return kind


def to_private_links(apps, schema_editor):
    Order = apps.get_model("hotline", "TombSweepingOrder")
    PrivateLink = apps.get_model("core", "PrivateLink")
    kind = None
    now = timezone.now()
    for order in Order.objects.exclude(share_token_hash="").iterator():
        kind = kind or _content_type(apps)
        link = PrivateLink.objects.create(
            public_id=uuid.uuid4(),
            purpose=PURPOSE,
            target_type=kind,
            target_id=order.pk,
            unit_id=order.unit_id,
            digest=order.share_token_hash,
            created_at=now,
            # A digest without an expiry never opened anything: keep it expired.
            expires_at=order.share_expires_at or now,
        )
        Order.objects.filter(pk=order.pk).update(share_link=link)


def to_order_fields(apps, schema_editor):
    Order = apps.get_model("hotline", "TombSweepingOrder")
    for order in Order.objects.filter(
        share_link__isnull=False, share_link__revoked_at__isnull=True
    ).select_related("share_link"):
        Order.objects.filter(pk=order.pk).update(
            share_token_hash=order.share_link.digest,
            share_expires_at=order.share_link.expires_at,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0004_private_links"),
        ("hotline", "0004_attachments_in_private_storage"),
    ]

    operations = [
        migrations.AddField(
            model_name="tombsweepingorder",
            name="share_link",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="core.privatelink",
            ),
        ),
        migrations.RunPython(to_private_links, to_order_fields),
        migrations.RemoveField(model_name="tombsweepingorder", name="share_expires_at"),
        migrations.RemoveField(model_name="tombsweepingorder", name="share_token_hash"),
    ]
