"""SEND writes: one function per use case, atomic, validated, each writing its audit entry.

One module per part of the work, as the views are split: register (settings, concerns, register status,
needs, passport), cycles (assess, plan, do, review), views_requests, provision, documents (and agencies).
Every write is re-exported here, so callers say `services.cycle_start(...)` without knowing the module.
Reads are in send/selectors.py.

Action codes: send.concern.*, send.register.*, send.needs.*, send.passport.*, send.cycle.*,
send.target.*, send.review.*, send.views.*, send.provision.*, send.intervention.*, send.funding.*,
send.agency.*, send.document.*, send.settings.*; and school.pupil.sen_provision_changed when the census
code moves.
"""

from .cycles import (
    CARRIED_FIELDS,
    cycle_assessment_save,
    cycle_close_and_start_next,
    cycle_review_record,
    cycle_stage_move,
    cycle_start,
    default_review_due,
    mep_parts_missing,
    target_save,
)
from .documents import agency_save, document_upload
from .follow_up_tasks import (
    follow_up_task_done,
    follow_up_task_restore,
    follow_up_task_withdraw,
    follow_up_tasks_from_triage,
)
from .provision import enrolment_save, funding_application_save, intervention_save
from .register import (
    Triage,
    concern_raise,
    concern_triage,
    passport_save,
    send_needs_set,
    send_settings_save,
    send_status_change,
)
from .views_requests import views_record, views_request_send

__all__ = [
    "CARRIED_FIELDS",
    "Triage",
    "agency_save",
    "concern_raise",
    "concern_triage",
    "cycle_assessment_save",
    "cycle_close_and_start_next",
    "cycle_review_record",
    "cycle_stage_move",
    "cycle_start",
    "default_review_due",
    "document_upload",
    "enrolment_save",
    "follow_up_task_done",
    "follow_up_task_restore",
    "follow_up_task_withdraw",
    "follow_up_tasks_from_triage",
    "funding_application_save",
    "intervention_save",
    "mep_parts_missing",
    "passport_save",
    "send_needs_set",
    "send_settings_save",
    "send_status_change",
    "target_save",
    "views_record",
    "views_request_send",
]

from .parent_letters import (  # noqa: E402
    provision_letters_write,
    provision_told_otherwise_record,
    review_invitation_create,
)

__all__ += ["provision_letters_write", "provision_told_otherwise_record", "review_invitation_create"]

from .ehc_plans import (  # noqa: E402
    ehc_plan_cease,
    ehc_plan_record,
    ehc_plan_restore,
    ehc_plan_update,
    ehc_plan_withdraw,
    local_authority_save,
    plan_line_save,
)

__all__ += [
    "ehc_plan_cease",
    "ehc_plan_record",
    "ehc_plan_update",
    "ehc_plan_withdraw",
    "ehc_plan_restore",
    "local_authority_save",
    "plan_line_save",
]

from .reviews import (  # noqa: E402
    review_advice_record,
    review_amended_plan_record,
    review_decision_record,
    review_invitations_send,
    review_invitee_add,
    review_meeting_record,
    review_meeting_set,
    review_report_record,
    review_request,
    review_schedule,
)

__all__ += [
    "review_advice_record",
    "review_amended_plan_record",
    "review_decision_record",
    "review_invitations_send",
    "review_invitee_add",
    "review_meeting_record",
    "review_meeting_set",
    "review_report_record",
    "review_request",
    "review_schedule",
]

from .reviews import review_meeting_move  # noqa: E402

__all__ += ["review_meeting_move"]

from .sessions import places_on, session_record  # noqa: E402

__all__ += ["places_on", "session_record"]
