"""Who may use the formal measures pages (graduated_response/views_measures.py): case managers only
(the attendance officer and the headteacher). A class teacher, even as key adult, and a governor get
nothing (see tests/security/matrix.py)."""

from datetime import date

from school import policy
from tests.security.matrix import NOBODY, Expect, roles_with


def _case(pupil):
    from graduated_response.models import Case

    return Case.objects.create(school=pupil.school, pupil=pupil, current_tier=4, opened_on=date(2026, 9, 7))


def _measures(case, by, parent):
    from graduated_response.models import (
        AttendanceContract,
        LegalStep,
        MeasureReview,
        NoticeToImprove,
        PenaltyNotice,
    )

    contract = AttendanceContract.objects.create(
        case=case,
        parties="Mother, the attendance officer",
        parent_requirements="Mornings on time",
        school_requirements="A daily check-in",
        support_offered="Breakfast club",
        start_on=date(2026, 9, 14),
        created_by=by,
    )
    review = MeasureReview.objects.create(contract=contract, due_on=date(2026, 12, 14))
    nti = NoticeToImprove.objects.create(
        case=case,
        issued_on=date(2026, 10, 1),
        period_start=date(2026, 10, 1),
        period_end=date(2026, 11, 5),
        record="12 unauthorised sessions",
        support_offered="Breakfast club",
        sufficient_improvement="No unauthorised absence",
        created_by=by,
    )
    notice = PenaltyNotice.objects.create(
        case=case,
        pupil=case.pupil,
        parent=parent,
        sequence=1,
        issued_on=date(2026, 11, 2),
        received_on=date(2026, 11, 4),
        unauthorised_10_weeks=12,
        support_on_record="Notice to improve",
        created_by=by,
    )
    step = LegalStep.objects.create(
        case=case,
        kind=LegalStep.Kind.ESO,
        started_on=date(2026, 11, 10),
        ends_on=date(2027, 11, 10),
        created_by=by,
    )
    return {"contract": contract, "review": review, "nti": nti, "notice": notice, "step": step}


def setup(world):
    from tests import factories as f

    by = world.users["attendance_officer"]
    # The open cases graduated_response.py's setup made (one open case per pupil), or new ones.
    world.m_case = getattr(world, "case", None) or _case(world.pupil)
    world.m_other_class_case = getattr(world, "other_class_case", None) or _case(world.other_class_pupil)
    world.m_foreign_case = getattr(world, "foreign_case", None) or _case(world.other_school_pupil)
    world.m = _measures(world.m_case, by, world.contact)
    world.m_other_class = _measures(
        world.m_other_class_case, by, f.PupilContactFactory(pupil=world.other_class_pupil).contact
    )
    world.m_foreign = _measures(world.m_foreign_case, by, world.foreign_contact)


MANAGE_CASES = roles_with(policy.MANAGE_CASES)


def _on_case(name, *, get=MANAGE_CASES, post=NOBODY):
    return Expect(
        get=get,
        post=post,
        kwargs=lambda w: {"pk": w.m_case.pk},
        foreign=lambda w: {"pk": w.m_foreign_case.pk},
        class_scoped=lambda w: {"pk": w.m_other_class_case.pk},
    )


def _on_measure(key, *, get=MANAGE_CASES, post=NOBODY):
    return Expect(
        get=get,
        post=post,
        kwargs=lambda w: {"pk": w.m[key].pk},
        foreign=lambda w: {"pk": w.m_foreign[key].pk},
        class_scoped=lambda w: {"pk": w.m_other_class[key].pk},
    )


EXPECTATIONS = {
    "graduated_response:panel_case_measures": _on_case("panel"),
    "graduated_response:contract_create": _on_case("contract", post=MANAGE_CASES),
    "graduated_response:notice_to_improve_create": _on_case("nti", post=MANAGE_CASES),
    "graduated_response:penalty_notice_create": _on_case("pn", post=MANAGE_CASES),
    "graduated_response:legal_step_create": _on_case("step", post=MANAGE_CASES),
    "graduated_response:penalty_warning_letters": _on_case("warning", get=NOBODY, post=MANAGE_CASES),
    "graduated_response:notice_to_improve_letters": _on_measure("nti", get=NOBODY, post=MANAGE_CASES),
    "graduated_response:contract_detail": _on_measure("contract"),
    "graduated_response:contract_pdf": _on_measure("contract"),
    "graduated_response:contract_letters": _on_measure("contract", get=NOBODY, post=MANAGE_CASES),
    "graduated_response:contract_update": _on_measure("contract", post=MANAGE_CASES),
    "graduated_response:contract_move": _on_measure("contract", get=NOBODY, post=MANAGE_CASES),
    "graduated_response:review_record": _on_measure("review", get=NOBODY, post=MANAGE_CASES),
    "graduated_response:notice_to_improve_detail": _on_measure("nti"),
    "graduated_response:notice_to_improve_outcome": _on_measure("nti", get=NOBODY, post=MANAGE_CASES),
    "graduated_response:penalty_notice_detail": _on_measure("notice"),
    "graduated_response:penalty_notice_receipt": _on_measure("notice", get=NOBODY, post=MANAGE_CASES),
    "graduated_response:penalty_notice_payment": _on_measure("notice", get=NOBODY, post=MANAGE_CASES),
    "graduated_response:penalty_notice_unpaid": _on_measure("notice", get=NOBODY, post=MANAGE_CASES),
    "graduated_response:penalty_notice_withdraw": _on_measure("notice", get=NOBODY, post=MANAGE_CASES),
    "graduated_response:penalty_notice_prosecute": _on_measure("notice", get=NOBODY, post=MANAGE_CASES),
    "graduated_response:legal_step_detail": _on_measure("step"),
    "graduated_response:legal_step_move": _on_measure("step", get=NOBODY, post=MANAGE_CASES),
    "graduated_response:legal_step_extend": _on_measure("step", get=NOBODY, post=MANAGE_CASES),
}
