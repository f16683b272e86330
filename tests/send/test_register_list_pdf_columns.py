"""The printed SEN register keeps a class's name whole (QA walk, issue 15: "Kingfisher" was broken
into "Kingfish" / "er" in the narrow Class column of the landscape PDF)."""

import io

import time_machine
from pypdf import PdfReader

from tests import factories as f


@time_machine.travel("2026-12-03 10:00", tick=False)
def test_class_names_are_not_broken_across_lines(login, sendco, school):
    kingfisher = f.RegistrationClassFactory(school=school, name="Kingfisher", year_group=3)
    groups = [
        f.InterventionFactory(school=school, name=name)
        for name in ("1:1 support (EHC plan)", "Fine-motor group", "Specialist teacher advice")
    ]
    for first, last in [("Zac", "Begum"), ("Tom", "Chowdhury"), ("Luca", "Dale")]:
        pupil = f.PupilFactory(
            school=school, registration_class=kingfisher, legal_first_name=first, legal_last_name=last
        )
        f.SendRecordFactory(pupil=pupil, status="sen_support", primary_need="SLCN", secondary_need="SPLD")
        for group in groups:  # a long Provision column, as in a real register, squeezes the others
            f.ProvisionEnrolmentFactory(pupil=pupil, intervention=group)

    response = login(sendco).get("/send/register/list.pdf")

    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert text.count("Kingfisher") == 3
