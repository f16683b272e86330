"""Who may follow a marks import (issue 14): the roles that import marks (MANAGE_ATTENDANCE). Another
school's import is not found."""

from attendance.models import MarksImport
from school import policy
from tests.security.matrix import Expect, roles_with

OFFICE = roles_with(policy.MANAGE_ATTENDANCE)


def _job(world, school, by):
    return MarksImport.objects.create(school=school, created_by=by, original_name="marks.csv", status="done")


def setup(world):
    world.i14_import = _job(world, world.pupil.school, world.users["office_staff"])
    world.i14_foreign_import = _job(world, world.other_school_pupil.school, world.users["office_staff"])


EXPECTATIONS = {
    "attendance:import_marks_status": Expect(
        get=OFFICE,
        kwargs=lambda w: {"pk": w.i14_import.pk},
        foreign=lambda w: {"pk": w.i14_foreign_import.pk},
    ),
    "attendance:panel_import_progress": Expect(
        get=OFFICE,
        kwargs=lambda w: {"pk": w.i14_import.pk},
        foreign=lambda w: {"pk": w.i14_foreign_import.pk},
    ),
}
