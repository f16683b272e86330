"""Reconcile the statistics engine with the DfE's published 2025/26 attendance figures.

Each row of tests/data/dfe_attendance_ytd_2025_26.csv (national, regional and local-authority
figures by phase) gives session counts per attendance code and the published percentages. We feed
the per-code counts through ``Figures.from_code_counts`` and expect DfE's percentages back.

A few rows hold a handful of authorised sessions that DfE did not itemise by code (see
tests/data/README.md), so only rows whose itemised counts add up to the published totals are
compared; the other rows are checked to differ in exactly that way and no other.
"""

import csv
import math
from pathlib import Path

import pytest

from attendance.figures import Figures

DATA = Path(__file__).resolve().parents[1] / "data" / "dfe_attendance_ytd_2025_26.csv"

# Column -> code. reason_present is reason_present_am + reason_present_pm, so it is not used.
# reason_h_* and reason_j_* are pre-2024 codes (H authorised holiday; J interview, which counted as
# an approved educational activity, unlike J1 now).
REASON_COLUMNS = {
    "reason_present_am": "/",
    "reason_present_pm": "\\",
    "reason_l_present_late_before_registers_closed": "L",
    "reason_i_authorised_illness": "I",
    "reason_m_authorised_medical_dental": "M",
    "reason_r_authorised_religious_observance": "R",
    "reason_s_authorised_study_leave": "S",
    "reason_t_authorised_mobile_child": "T",
    "reason_h_authorised_holiday": "H",
    "reason_e_authorised_excluded": "E",
    "reason_c_authorised_other": "C",
    "reason_c1_authorised_regulated_performance": "C1",
    "reason_j1_authorised_interview": "J1",
    "reason_c2_authorised_temp_reduced_timetable": "C2",
    "reason_b_aea_education_off_site": "B",
    "reason_j_aea_interview": "J",
    "reason_p_aea_approved_sporting_activity": "P",
    "reason_v_aea_educational_visit_trip": "V",
    "reason_w_aea_work_experience": "W",
    "reason_k_aea_education_arranged_by_la": "K",
    "reason_g_unauthorised_holiday": "G",
    "reason_u_unauthorised_late_after_registers_closed": "U",
    "reason_o_other_unauthorised": "O",
    "reason_n_no_reason_yet": "N",
}
SUM_COLUMNS = {"reason_present"}

PUBLISHED_PERCENTAGES = {
    "attendance_perc": "attendance_pct",
    "overall_absence_perc": "absence_pct",
    "authorised_absence_perc": "authorised_pct",
    "unauthorised_absence_perc": "unauthorised_pct",
}


@pytest.fixture(scope="module")
def rows():
    # The data ships with the repository (tests/data/README.md), so a missing file is a broken clone.
    with DATA.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _is_suppressed(row):
    # DfE suppresses small counts as "c"; such rows have no itemised data to reconcile.
    return any(not row[column].isdigit() for column in REASON_COLUMNS)


def _figures(row):
    counts = {code: int(row[column]) for column, code in REASON_COLUMNS.items()}
    return Figures.from_code_counts(counts)


def _published(row, column):
    return int(row[column])


def _reconciles(row, f):
    return (
        f.present == _published(row, "present_sessions")
        and f.approved_activity == _published(row, "approved_educational_activity")
        and f.attendance == _published(row, "overall_attendance")
        and f.authorised == _published(row, "authorised_absence")
        and f.unauthorised == _published(row, "unauthorised_absence")
        and f.possible == _published(row, "possible_sessions")
    )


def test_every_reason_column_is_mapped_to_a_code(rows):
    reason_columns = {column for column in rows[0] if column.startswith("reason_")}
    assert reason_columns == set(REASON_COLUMNS) | SUM_COLUMNS
    for row in rows:
        if not _is_suppressed(row):
            assert int(row["reason_present"]) == int(row["reason_present_am"]) + int(row["reason_present_pm"])


def test_engine_reproduces_published_percentages(rows, record_property):
    usable = [row for row in rows if not _is_suppressed(row)]
    compared = 0
    for row in usable:
        f = _figures(row)
        if not _reconciles(row, f):
            continue
        compared += 1
        place = f"{row['geographic_level']} {row['la_name'] or row['region_name'] or row['country_name']} "
        place += row["education_phase"]
        for column, attribute in PUBLISHED_PERCENTAGES.items():
            ours, theirs = getattr(f, attribute), float(row[column])
            assert math.isclose(ours, theirs, rel_tol=1e-6), f"{place}: {column} {ours} != {theirs}"
        # L and U are the late sessions DfE publishes.
        assert f.late_l + f.late_u == _published(row, "late_sessions"), place

    record_property("dfe_rows_reconciled", f"{compared} of {len(rows)}")
    print(f"\nDfE reconciliation: {compared} of {len(rows)} rows compared ({len(usable)} not suppressed)")
    # Not vacuous: most rows must reconcile (92% do in the July 2026 file).
    assert compared >= 0.85 * len(rows), f"only {compared} of {len(rows)} rows could be compared"


def test_rows_left_out_differ_only_by_unitemised_authorised_sessions(rows):
    left_out = [row for row in rows if not _is_suppressed(row) and not _reconciles(row, _figures(row))]
    assert left_out, "expected DfE's file to hold some rows with un-itemised authorised sessions"
    for row in left_out:
        f = _figures(row)
        assert f.attendance == _published(row, "overall_attendance")
        assert f.unauthorised == _published(row, "unauthorised_absence")
        missing = _published(row, "authorised_absence") - f.authorised
        assert 0 < missing <= 0.001 * _published(row, "possible_sessions")
        assert f.possible + missing == _published(row, "possible_sessions")
