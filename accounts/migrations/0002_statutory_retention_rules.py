from django.db import migrations

DEFAULTS = [
    # record_type, years, anchor, source
    ("register_entries", 6, "leaving_date",
     "School Attendance (Pupil Registration) (England) Regulations 2024: keep register entries 6 years"),
    ("sen_file", 31, "date_of_birth", "IRMS toolkit for schools: SEN files to date of birth + 31 years"),
    ("pupil_record", 6, "leaving_date", "IRMS toolkit for schools: other pupil records 6 years after leaving"),
]


def add_defaults(apps, schema_editor):
    RetentionRule = apps.get_model("accounts", "RetentionRule")
    for record_type, years, anchor, source in DEFAULTS:
        RetentionRule.objects.get_or_create(
            record_type=record_type,
            defaults={"years": years, "anchor": anchor, "statutory_minimum_years": years, "source": source},
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
