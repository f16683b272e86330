"""The example files in fixtures/ import cleanly, so they always match the documented columns."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command

from school.models import Contact, Pupil

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def test_sample_pupils_import_with_siblings_sharing_a_contact(school):
    out = StringIO()
    call_command(
        "import_pupils",
        str(FIXTURES / "sample_pupils.csv"),
        school=str(school.pk),
        create_classes=True,
        stdout=out,
    )
    pupils = Pupil.objects.filter(school=school)
    assert pupils.count() == 5
    ava = pupils.get(legal_first_name="Ava")
    assert ava.registration_class.name == "Oak" and ava.pupil_premium and ava.free_school_meals
    assert pupils.get(legal_first_name="Mira").preferred_first_name == "Mimi"
    # Ava and Leo share their mother: one contact, two links.
    grace = Contact.objects.get(school=school, first_name="Grace")
    assert sorted(grace.pupil_links.values_list("pupil__legal_first_name", flat=True)) == ["Ava", "Leo"]

    call_command(
        "import_pupils",
        str(FIXTURES / "sample_pupils.csv"),
        school=str(school.pk),
        create_classes=True,
        stdout=StringIO(),
    )
    assert Pupil.objects.filter(school=school).count() == 5
    assert Contact.objects.filter(school=school).count() == 4
