"""The audit trail becomes a hash chain whose rows keep personal values apart (school.audit_chain,
school.audit_seal). Rows written before this migration are sealed and chained here, in id order."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def seal_existing(apps, schema_editor):
    from school import audit_chain, audit_seal

    AuditEntry = apps.get_model("school", "AuditEntry")
    if not AuditEntry.objects.exists():
        return
    AuditSubject = apps.get_model("school", "AuditSubject")
    Pupil = apps.get_model("school", "Pupil")
    PupilContact = apps.get_model("school", "PupilContact")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:  # the row trigger refuses UPDATE; this migration runs as the table's owner
        schema_editor.execute("ALTER TABLE school_auditentry DISABLE TRIGGER USER")
    import secrets

    sealers = {}
    prev = audit_chain.GENESIS
    for entry in AuditEntry.objects.order_by("id").iterator():
        subject, sealer = None, None
        if entry.pupil_id:
            if entry.pupil_id not in sealers:
                values = []
                pupil = Pupil.objects.filter(pk=entry.pupil_id).first()
                if pupil:
                    values += audit_seal.pupil_values(pupil)
                for link in PupilContact.objects.filter(pupil_id=entry.pupil_id).select_related("contact"):
                    c = link.contact
                    values += audit_seal.contact_values(
                        {
                            f: getattr(c, f)
                            for f in ("first_name", "last_name", "address", "postcode", "phone", "email")
                        }
                    )
                code = f"P-{secrets.token_hex(3).upper()}"
                while AuditSubject.objects.filter(code=code).exists():
                    code = f"P-{secrets.token_hex(3).upper()}"
                subject = AuditSubject.objects.create(
                    pupil_id=entry.pupil_id,
                    code=code,
                    values=list(dict.fromkeys(values)),
                    salt=secrets.token_hex(16),
                )
                sealers[entry.pupil_id] = (subject, audit_seal.Sealer(code, subject.values))
            subject, sealer = sealers[entry.pupil_id]
        audit_seal.seal_row(
            entry,
            subject,
            sealer,
            entry.sealed_repr,
            entry.sealed_before,
            entry.sealed_after,
            entry.sealed_reason,
        )
        entry.prev_hash = prev
        entry.hash = prev = audit_chain.row_hash(entry, prev)
        entry.save()
    for subject, sealer in sealers.values():
        AuditSubject.objects.filter(pk=subject.pk).update(values=sealer.values)
    if postgres:
        schema_editor.execute("ALTER TABLE school_auditentry ENABLE TRIGGER USER")


class Migration(migrations.Migration):
    dependencies = [("school", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="AuditSubject",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("pupil_id", models.BigIntegerField(unique=True)),
                ("code", models.CharField(max_length=8, unique=True)),
                ("values", models.JSONField(blank=True, default=list)),
                ("salt", models.CharField(blank=True, max_length=64)),
                ("erased_at", models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.RenameField("auditentry", "object_repr", "sealed_repr"),
        migrations.RenameField("auditentry", "before", "sealed_before"),
        migrations.RenameField("auditentry", "after", "sealed_after"),
        migrations.RenameField("auditentry", "reason", "sealed_reason"),
        migrations.AlterField(
            model_name="auditentry",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="subject",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="school.auditsubject",
            ),
        ),
        migrations.AddField(
            model_name="auditentry", name="personal_digest", field=models.CharField(blank=True, max_length=64)
        ),
        migrations.AddField(
            model_name="auditentry", name="prev_hash", field=models.CharField(blank=True, max_length=64)
        ),
        migrations.AddField(
            model_name="auditentry", name="hash", field=models.CharField(blank=True, max_length=64)
        ),
        # Irreversible: unsealing would need the personal values back in the rows, which erasure forbids.
        migrations.RunPython(seal_existing),
    ]
