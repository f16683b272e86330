"""The four broad areas of need and the census need-type codes inside them (pure data).

SEND Code of Practice 2015, 6.28-6.35, and the school census SEN need types (docs/rules.md
section 5). A pupil has a primary need and may have a secondary need; both are census codes. OTH
(other) and NSA (SEN support but no specialist assessment of type of need) sit outside the four
areas, so they are listed under "Other".

    >>> broad_area_of("ASD")
    'communication'
    >>> NEED_LABELS["SPLD"]
    'Specific learning difficulty'
"""

from __future__ import annotations

COMMUNICATION = "communication"
COGNITION = "cognition"
SEMH = "semh"
SENSORY_PHYSICAL = "sensory_physical"
OTHER = "other"

BROAD_AREAS: list[tuple[str, str]] = [
    (COMMUNICATION, "Communication and interaction"),
    (COGNITION, "Cognition and learning"),
    (SEMH, "Social, emotional and mental health"),
    (SENSORY_PHYSICAL, "Sensory and/or physical"),
]
BROAD_AREA_LABELS = dict(BROAD_AREAS) | {OTHER: "Other"}

# (code, label, broad area), in census order.
NEED_TYPES: list[tuple[str, str, str]] = [
    ("SLCN", "Speech, language and communication needs", COMMUNICATION),
    ("ASD", "Autistic spectrum disorder", COMMUNICATION),
    ("SPLD", "Specific learning difficulty", COGNITION),
    ("MLD", "Moderate learning difficulty", COGNITION),
    ("SLD", "Severe learning difficulty", COGNITION),
    ("PMLD", "Profound and multiple learning difficulty", COGNITION),
    ("SEMH", "Social, emotional and mental health", SEMH),
    ("HI", "Hearing impairment", SENSORY_PHYSICAL),
    ("VI", "Visual impairment", SENSORY_PHYSICAL),
    ("MSI", "Multi-sensory impairment", SENSORY_PHYSICAL),
    ("PD", "Physical disability", SENSORY_PHYSICAL),
    ("OTH", "Other difficulty or disability", OTHER),
    ("NSA", "SEN support but no specialist assessment of type of need", OTHER),
]
NEED_CODES = [code for code, _label, _area in NEED_TYPES]
NEED_LABELS = {code: label for code, label, _area in NEED_TYPES}
NEED_AREAS = {code: area for code, _label, area in NEED_TYPES}


def broad_area_of(code: str) -> str:
    """The broad area of need a census need code belongs to; KeyError for an unknown code."""
    return NEED_AREAS[code]


def need_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Need types grouped by broad area, as Django grouped choices (optgroups in a select)."""
    groups = []
    for area, area_label in [*BROAD_AREAS, (OTHER, "Other")]:
        groups.append(
            (area_label, [(code, f"{code} – {label}") for code, label, a in NEED_TYPES if a == area])
        )
    return groups


def flat_need_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} – {label}") for code, label, _area in NEED_TYPES]
