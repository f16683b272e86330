"""Tier bands, settings and checklists for schools created before they were made with the school
(school.services.school_create); pages and the nightly run no longer create them on the fly."""

from django.db import migrations


def set_up(apps, schema_editor):
    from graduated_response import tiers
    from graduated_response.defaults import DEFAULT_ACTIONS, TIER_DESCRIPTIONS

    School = apps.get_model("school", "School")
    TierBand = apps.get_model("graduated_response", "TierBand")
    ResponseSettings = apps.get_model("graduated_response", "ResponseSettings")
    TierAction = apps.get_model("graduated_response", "TierAction")
    for school in School.objects.all():
        TierBand.objects.bulk_create(
            [
                TierBand(
                    school=school, tier=b.tier, low_pct=b.low, high_pct=b.high, description=TIER_DESCRIPTIONS[b.tier]
                )
                for b in tiers.DEFAULT_BANDS
            ],
            ignore_conflicts=True,
        )
        ResponseSettings.objects.get_or_create(school=school)
        if not TierAction.objects.filter(school=school).exists():
            TierAction.objects.bulk_create(
                [
                    TierAction(
                        school=school, tier=tier, order=i, text=text, responsible_role=role, target_school_days=days
                    )
                    for tier, items in DEFAULT_ACTIONS.items()
                    for i, (text, role, days) in enumerate(items)
                ]
            )


class Migration(migrations.Migration):
    dependencies = [("graduated_response", "0001_initial"), ("school", "0001_initial")]
    operations = [migrations.RunPython(set_up, migrations.RunPython.noop)]
