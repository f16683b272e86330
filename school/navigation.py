"""The navigation bar: each entry shows only to roles holding its capability.

Apps add their entries here by URL name (a name, not an import, so the one-way import rule holds).
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from . import policy


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    capability: str


NAV_ENTRIES: list[NavEntry] = [
    NavEntry("Pupils", "school:pupil_list", policy.VIEW_PUPILS),
    NavEntry("Registers", "attendance:register_list", policy.TAKE_OWN_REGISTERS),
    NavEntry("Registers", "attendance:register_list", policy.TAKE_ANY_REGISTER),
    NavEntry("Absence", "attendance:office_dashboard", policy.MANAGE_ATTENDANCE),
    NavEntry("Attendance", "attendance:school_overview", policy.VIEW_ATTENDANCE_STATS),
    NavEntry("SEND", "send:dashboard", policy.MANAGE_SEND),
    NavEntry("My class SEND", "send:class_view", policy.VIEW_SEND),
    NavEntry("Cases", "graduated_response:dashboard", policy.VIEW_CASES),
    NavEntry("My work", "graduated_response:my_work", policy.VIEW_PUPILS),
    NavEntry("Reports", "reports:index", policy.VIEW_AGGREGATES),
    NavEntry("School set-up", "school:manage", policy.MANAGE_SCHOOL),
]


def entries_for(user, school) -> list[dict]:
    caps = policy.capabilities(user, school)
    seen, result = set(), []
    for entry in NAV_ENTRIES:
        if entry.capability not in caps or entry.url_name in seen:
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue  # the app has not published that page yet
        seen.add(entry.url_name)
        result.append({"label": entry.label, "url": url, "url_name": entry.url_name})
    return result


# Panels on the home page, each served by its own app as an htmx partial (so school imports none).
HOME_PANELS: list[NavEntry] = [
    NavEntry("Registers not yet taken", "attendance:panel_registers_not_taken", policy.TAKE_ANY_REGISTER),
    NavEntry("My registers today", "attendance:panel_my_registers", policy.TAKE_OWN_REGISTERS),
    NavEntry("SEND", "send:panel_home", policy.VIEW_SEND),
    NavEntry("Attendance cases", "graduated_response:panel_home", policy.VIEW_CASES),
    NavEntry("Reports", "reports:panel_home", policy.VIEW_AGGREGATES),
]


def panels_for(user, school) -> list[dict]:
    caps = policy.capabilities(user, school)
    result, seen = [], set()
    for entry in HOME_PANELS:
        if entry.capability not in caps or entry.url_name in seen:
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        seen.add(entry.url_name)
        result.append({"label": entry.label, "url": url})
    return result


# Panels on the pupil profile, each served by its own app as an htmx partial. Each URL takes the pupil's
# pk as its only argument (e.g. "pupils/<int:pk>/panel/"); a panel whose app has not published that URL
# yet is left out. The panel view must check access itself (policy.access_pupil).
PUPIL_PANELS: list[NavEntry] = [
    NavEntry("Attendance", "attendance:panel_pupil", policy.VIEW_PUPILS),
    NavEntry("SEND", "send:panel_pupil", policy.VIEW_SEND),
    NavEntry("Attendance case", "graduated_response:panel_pupil", policy.VIEW_CASES),
    NavEntry("Letters", "letters:panel_pupil", policy.VIEW_CASES),
    NavEntry("Requests for records", "accounts:record_request_panel", policy.VIEW_RECORD_REQUESTS),
]


def pupil_panels_for(user, school, pupil) -> list[dict]:
    caps = policy.capabilities(user, school)
    result, seen = [], set()
    for entry in PUPIL_PANELS:
        if entry.capability not in caps or entry.url_name in seen:
            continue
        try:
            url = reverse(entry.url_name, args=[pupil.pk])
        except NoReverseMatch:
            continue
        seen.add(entry.url_name)
        result.append({"label": entry.label, "url": url})
    return result
