from django.urls import path, re_path

from .views import (
    assessments,
    cycles,
    deadlines,
    documents,
    ehc_plans,
    parent_letters,
    provision,
    register,
    register_list,
    reviews,
    tasks,
    timetables,
    views_bulk,
)

app_name = "send"

urlpatterns = [
    path("", register.dashboard, name="dashboard"),
    path("settings/", register.settings_edit, name="settings"),
    path("my-class/", register.class_view, name="class_view"),
    path("reviews-due/", register.reviews_due, name="reviews_due"),
    path("deadlines/", deadlines.deadlines, name="deadlines"),
    path("deadlines/link/", deadlines.deadlines_feed_create, name="deadlines_feed_create"),
    path("deadlines/link/<int:pk>/revoke/", deadlines.deadlines_feed_revoke, name="deadlines_feed_revoke"),
    # No session: a calendar app fetches it with the private token (send/views/deadlines.py).
    re_path(
        r"^deadlines/(?P<token>[A-Za-z0-9_-]{16,128})\.ics$", deadlines.deadlines_ics, name="deadlines_ics"
    ),
    path("views-completion/", cycles.views_completion, name="views_completion"),
    path("views/bulk/", views_bulk.views_bulk, name="views_bulk"),
    path("views/outstanding/", views_bulk.views_outstanding, name="views_outstanding"),
    path("views/forms/<int:pk>/", views_bulk.views_forms_detail, name="views_forms_detail"),
    path("views/forms/<int:pk>/download/", views_bulk.views_forms_download, name="views_forms_download"),
    # No session: a parent answers through the signed link in the e-mail (send/views_reply_links.py).
    re_path(r"^views/reply/(?P<token>[A-Za-z0-9_:-]{20,300})/$", views_bulk.views_reply, name="views_reply"),
    path("panel/", register.panel_home, name="panel_home"),
    # The census export's page (the pupils whose need is missing, named) and the CSV it downloads.
    path("register/census/", register.register_census, name="register_census"),
    path("register.csv", register.register_export, name="register_export"),
    path("pupils/<int:pk>/panel/", register.panel_pupil, name="panel_pupil"),
    path("pupils/<int:pk>/", register.pupil_send, name="pupil_send"),
    path("pupils/<int:pk>/concern/", register.concern_create, name="concern_create"),
    path("pupils/<int:pk>/status/", register.status_change, name="status_change"),
    path("pupils/<int:pk>/needs/", register.needs_edit, name="needs_edit"),
    path("pupils/<int:pk>/passport/", register.passport_edit, name="passport_edit"),
    path("pupils/<int:pk>/passport.pdf", register.passport_pdf, name="passport_pdf"),
    path("pupils/<int:pk>/cycles/new/", cycles.cycle_start, name="cycle_start"),
    path("pupils/<int:pk>/provision/new/", provision.enrolment_create, name="enrolment_create"),
    path("pupils/<int:pk>/funding/new/", provision.funding_create, name="funding_create"),
    path("pupils/<int:pk>/agencies/new/", documents.agency_create, name="agency_create"),
    path("pupils/<int:pk>/documents/new/", documents.document_upload, name="document_upload"),
    path("pupils/<int:pk>/provision-letters/", parent_letters.provision_letters, name="provision_letters"),
    path(
        "pupils/<int:pk>/parents-told/",
        parent_letters.provision_told_otherwise,
        name="provision_told_otherwise",
    ),
    path("cycles/<int:pk>/invite/", parent_letters.review_invite, name="review_invite"),
    path(
        "parents-told/<int:pk>/withdraw/",
        parent_letters.provision_notice_withdraw,
        name="provision_notice_withdraw",
    ),
    path(
        "parents-told/<int:pk>/restore/",
        parent_letters.provision_notice_restore,
        name="provision_notice_restore",
    ),
    path("ehc-reviews/", reviews.review_list, name="ehc_reviews"),
    path("ehc-plans/<int:pk>/review/new/", reviews.review_schedule, name="ehc_review_schedule"),
    path("ehc-plans/<int:pk>/review/request/", reviews.review_request, name="ehc_review_request"),
    path("ehc-reviews/<int:pk>/", reviews.review_detail, name="ehc_review_detail"),
    path("ehc-reviews/<int:pk>/meeting/", reviews.review_meeting, name="ehc_review_meeting"),
    path("ehc-reviews/<int:pk>/invitees/new/", reviews.review_invitee_add, name="ehc_review_invitee_add"),
    path("ehc-reviews/<int:pk>/invite/", reviews.review_invite, name="ehc_review_invite"),
    path("ehc-reviews/<int:pk>/advice/", reviews.review_advice, name="ehc_review_advice"),
    path("ehc-reviews/<int:pk>/record/", reviews.review_record, name="ehc_review_record"),
    path("ehc-reviews/<int:pk>/report/", reviews.review_report, name="ehc_review_report"),
    path("ehc-reviews/<int:pk>/decision/", reviews.review_decision, name="ehc_review_decision"),
    path("ehc-reviews/<int:pk>/amended-plan/", reviews.review_amended, name="ehc_review_amended"),
    path("ehc-reviews/<int:pk>/withdraw/", reviews.review_withdraw, name="ehc_review_withdraw"),
    path("ehc-reviews/<int:pk>/restore/", reviews.review_restore, name="ehc_review_restore"),
    path("ehc-reviews/<int:pk>/move/", reviews.review_move, name="ehc_review_move"),
    path(
        "ehc-reviews/<int:pk>/invitees/<int:invitee_pk>/email/retry/",
        reviews.review_email_retry,
        name="ehc_review_email_retry",
    ),
    path("concerns/<int:pk>/", register.concern_detail, name="concern_detail"),
    path("concerns/<int:pk>/triage/", register.concern_triage, name="concern_triage"),
    path("concerns/<int:pk>/withdraw/", register.concern_withdraw, name="concern_withdraw"),
    path("concerns/<int:pk>/restore/", register.concern_restore, name="concern_restore"),
    path("tasks/<int:pk>/done/", tasks.task_done, name="task_done"),
    path("tasks/<int:pk>/withdraw/", tasks.task_withdraw, name="task_withdraw"),
    path("tasks/<int:pk>/restore/", tasks.task_restore, name="task_restore"),
    path("cycles/<int:pk>/", cycles.cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/assess/", cycles.cycle_assess, name="cycle_assess"),
    path("cycles/<int:pk>/stage/", cycles.cycle_stage, name="cycle_stage"),
    path("cycles/<int:pk>/targets/new/", cycles.target_add, name="target_add"),
    path("cycles/<int:pk>/review/", cycles.cycle_review, name="cycle_review"),
    path("cycles/<int:pk>/views/new/", cycles.views_request, name="views_request"),
    path("cycles/<int:pk>/plan.pdf", cycles.plan_pdf, name="plan_pdf"),
    path("cycles/<int:pk>/review.pdf", cycles.review_pdf, name="review_pdf"),
    path("targets/<int:pk>/", cycles.target_edit, name="target_edit"),
    path("targets/<int:pk>/withdraw/", cycles.target_withdraw, name="target_withdraw"),
    path("targets/<int:pk>/restore/", cycles.target_restore, name="target_restore"),
    path("views/<int:pk>/", cycles.views_record, name="views_record"),
    path("provision/", provision.provision_map, name="provision_map"),
    path("interventions/new/", provision.intervention_create, name="intervention_create"),
    path("interventions/<int:pk>/", provision.intervention_edit, name="intervention_edit"),
    path("enrolments/<int:pk>/", provision.enrolment_edit, name="enrolment_edit"),
    path("enrolments/<int:pk>/withdraw/", provision.enrolment_withdraw, name="enrolment_withdraw"),
    path("enrolments/<int:pk>/restore/", provision.enrolment_restore, name="enrolment_restore"),
    path("funding/<int:pk>/", provision.funding_edit, name="funding_edit"),
    path("funding/<int:pk>/withdraw/", provision.funding_withdraw, name="funding_withdraw"),
    path("funding/<int:pk>/restore/", provision.funding_restore, name="funding_restore"),
    path("agencies/<int:pk>/", documents.agency_edit, name="agency_edit"),
    path("agencies/<int:pk>/withdraw/", documents.agency_withdraw, name="agency_withdraw"),
    path("agencies/<int:pk>/restore/", documents.agency_restore, name="agency_restore"),
    path("documents/<int:pk>/download/", documents.document_download, name="document_download"),
    path("documents/<int:pk>/withdraw/", documents.document_withdraw, name="document_withdraw"),
    path("documents/<int:pk>/restore/", documents.document_restore, name="document_restore"),
    # EHC plans (send/views/ehc_plans.py).
    path("local-authorities/", ehc_plans.local_authority_list, name="local_authority_list"),
    path("local-authorities/new/", ehc_plans.local_authority_create, name="local_authority_create"),
    path("local-authorities/<int:pk>/", ehc_plans.local_authority_edit, name="local_authority_edit"),
    path("ehc-plans/new/", ehc_plans.ehc_plan_create, name="ehc_plan_create"),
    path("ehc-plans/<int:pk>/", ehc_plans.ehc_plan_detail, name="ehc_plan_detail"),
    path("ehc-plans/<int:pk>/edit/", ehc_plans.ehc_plan_edit, name="ehc_plan_edit"),
    path("ehc-plans/<int:pk>/cease/", ehc_plans.ehc_plan_cease, name="ehc_plan_cease"),
    path("ehc-plans/<int:pk>/withdraw/", ehc_plans.ehc_plan_withdraw, name="ehc_plan_withdraw"),
    path("ehc-plans/<int:pk>/restore/", ehc_plans.ehc_plan_restore, name="ehc_plan_restore"),
    path("ehc-plans/<int:pk>/section-f/new/", ehc_plans.plan_line_create, name="plan_line_create"),
    path("section-f/", ehc_plans.section_f_overview, name="section_f_overview"),
    path("section-f/<int:pk>/", ehc_plans.plan_line_edit, name="plan_line_edit"),
    path("section-f/<int:pk>/withdraw/", ehc_plans.plan_line_withdraw, name="plan_line_withdraw"),
    path("section-f/<int:pk>/restore/", ehc_plans.plan_line_restore, name="plan_line_restore"),
    # Part-time timetables (send/views/timetables.py).
    path("part-time/", timetables.timetable_list, name="timetable_list"),
    path("pupils/<int:pk>/part-time/new/", timetables.timetable_open, name="timetable_open"),
    path(
        "pupils/<int:pk>/part-time/panel/", timetables.panel_pupil_timetables, name="panel_pupil_timetables"
    ),
    path("part-time/<int:pk>/", timetables.timetable_detail, name="timetable_detail"),
    path("part-time/<int:pk>/review/", timetables.timetable_review, name="timetable_review"),
    path("part-time/<int:pk>/end/", timetables.timetable_end, name="timetable_end"),
    path("part-time/<int:pk>/withdraw/", timetables.timetable_withdraw, name="timetable_withdraw"),
    path("assessments/", assessments.assessment_list, name="assessment_list"),
    path("pupils/<int:pk>/assessments/new/", assessments.assessment_create, name="assessment_create"),
    path("assessments/<int:pk>/", assessments.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/steps/", assessments.assessment_steps, name="assessment_steps"),
    path("assessments/<int:pk>/exception/", assessments.assessment_exception, name="assessment_exception"),
    path("assessments/new/", assessments.assessment_start, name="assessment_start"),
    path("assessments/<int:pk>/withdraw/", assessments.assessment_withdraw, name="assessment_withdraw"),
    path("assessments/<int:pk>/restore/", assessments.assessment_restore, name="assessment_restore"),
]

# The EHC needs assessment evidence pack (send/views/evidence_packs.py).
from .views import evidence_packs  # noqa: E402

urlpatterns += [
    path(
        "assessments/<int:pk>/evidence-pack/",
        evidence_packs.evidence_pack_request,
        name="evidence_pack_request",
    ),
    path(
        "evidence-packs/<int:pk>/download/",
        evidence_packs.evidence_pack_download,
        name="evidence_pack_download",
    ),
    # Cycles that move with the calendar, and the SEN register as a list (issue 15).
    path("cycles/<int:pk>/next/", cycles.cycle_next, name="cycle_next"),
    path("register/", register_list.register_list, name="register_list"),
    path("register/list.csv", register_list.register_list_csv, name="register_list_csv"),
    path("register/list.pdf", register_list.register_list_pdf, name="register_list_pdf"),
]

# The right context where decisions are made (issue 15).
from .views import charts as charts_views  # noqa: E402

urlpatterns += [
    path("charts/", charts_views.charts_page, name="charts"),
    path("classes/<int:pk>/supply-pack.pdf", register.supply_pack, name="supply_pack"),
]

from .views import sessions  # noqa: E402

urlpatterns += [
    path("my-interventions/", sessions.my_interventions, name="my_interventions"),
    path("interventions/<int:pk>/sessions/new/", sessions.session_create, name="session_create"),
    path("sessions/<int:pk>/withdraw/", sessions.session_withdraw, name="session_withdraw"),
]
