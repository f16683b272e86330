"""The fictional demo school "Larkfield Primary": staff in every role, 14 classes, about 420 pupils with
contacts (siblings share them), and the calendar of the current and previous academic years.

Everything is generated from a seed with `random.Random` and the name lists below: no real person,
address or number. Phone numbers are in Ofcom's drama ranges (07700 900xxx, 01632 960xxx), e-mail
addresses use example.com and postcodes use the non-existent area "LF".

`demo_plan(seed=..., year_start=...)` is pure (same seed and year: the same plan); `build_school(...)`
writes it. Later apps add their own demo data through `<app>/demo.py` (see seed_demo).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import holidays
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from .audit import record_bulk
from .class_membership import sync_memberships
from .models import (
    AcademicYear,
    ClosureDay,
    Contact,
    Membership,
    Pupil,
    PupilContact,
    RegistrationClass,
    Role,
    School,
    TermPeriod,
    Trust,
)
from .services import school_create
from .upn import check_letter

DEMO_TRUST = "Larkfield Learning Trust"
DEMO_SCHOOL = "Larkfield Primary"
DEMO_PASSWORD = "demo-password-2026"
PUPILS_PER_CLASS = 30

CLASS_NAMES = {
    0: ("Robin", "Wren"),
    1: ("Finch", "Sparrow"),
    2: ("Kestrel", "Swallow"),
    3: ("Heron", "Kingfisher"),
    4: ("Owl", "Falcon"),
    5: ("Osprey", "Puffin"),
    6: ("Eagle", "Merlin"),
}

GIRLS = (
    "Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Willow Florence Emily Ella Poppy "
    "Evie Elsie Charlotte Evelyn Sienna Daisy Phoebe Sophie Alice Harper Matilda Ruby Emilia Maya Millie "
    "Isabelle Eliza Aria Erin Esme Zara Hannah Layla Amber Maryam Imogen Nancy Orla Lucy Ayla Thea Martha "
    "Scarlett Holly Nell Amira Maisie Zoe Iris Hallie Bonnie Leah Chloe Aisha Lola Darcie Molly Harriet"
).split()
BOYS = (
    "Noah Oliver George Arthur Muhammad Leo Harry Oscar Archie Henry Theodore Freddie Jack Charlie Theo "
    "Alfie Jacob Thomas Finley Arlo William Lucas Roman Tommy Isaac Teddy Edward Adam Luca Reuben Joshua "
    "Max Hugo Albie Jude Ezra Rory Ethan Louie Elijah Sonny Harrison Ronnie Toby Samuel Daniel Jaxon Mason "
    "Ibrahim Zachary Yusuf Dylan Caleb Joseph Bobby Benjamin Ollie Felix Kai Rowan Omar Ellis Jasper Milo"
).split()
ADULT_WOMEN = (
    "Sarah Emma Claire Rachel Laura Hannah Rebecca Jennifer Nicola Kate Helen Amy Lisa Joanne Victoria Gemma "
    "Zoe Louise Natalie Samantha Michelle Fatima Priya Aneta Ioana Nadia Sadia Yasmin Shabana Leanne Kirsty"
).split()
ADULT_MEN = (
    "James David Daniel Mark Paul Andrew Richard Matthew Christopher Michael Stephen Lee Craig Gareth Simon "
    "Wayne Darren Tom Robert Ben Imran Asif Tariq Piotr Marek Andrei Mihai Kwame Femi Ravi Sanjay Nathan"
).split()
SURNAMES = (
    "Ashby Barker Bentley Birch Blackwood Bowen Bradshaw Brook Carter Chapman Clarke Coleman Cooper Dale "
    "Dawson Ellis Fairbrother Fenwick Fletcher Ford Foster Garner Gibbs Goodwin Hale Hartley Hayes Holt "
    "Hughes Kemp Kirby Lambert Lane Lawson Marsh Mason Moss Norris Oakley Palmer Parsons Pearce Pritchard "
    "Quinn Rowe Sharpe Sheldon Shaw Slater Stanley Summers Thornton Turner Wade Walsh Webb Whitaker Wilde "
    "Winter Wood Yates Ahmed Akhtar Begum Hussain Khan Patel Shah Sharma Singh Kaur Nowak Kowalski Popescu "
    "Ionescu Okafor Mensah Adeyemi Osei Silva Santos Costa Ali Rahman Mahmood Chowdhury Novak Horvath"
).split()
STREETS = (
    "Meadow Lane",
    "Orchard Close",
    "Station Road",
    "Church Street",
    "Mill Way",
    "Larkfield Road",
    "Brook Avenue",
    "Hawthorn Drive",
    "Willow Walk",
    "Victoria Terrace",
    "Chapel Row",
    "Elm Grove",
    "Kingfisher Court",
    "Barley Close",
    "Canal Street",
    "Beech Crescent",
    "Park View",
    "Foxglove Road",
)
HOME_LANGUAGES = (
    "Polish",
    "Urdu",
    "Romanian",
    "Punjabi",
    "Bengali",
    "Arabic",
    "Portuguese",
    "Somali",
    "Gujarati",
)
PREFERRED = {
    "Alexander": "Alex",
    "Thomas": "Tom",
    "William": "Will",
    "Isabella": "Bella",
    "Elizabeth": "Lizzie",
    "Samuel": "Sam",
    "Benjamin": "Ben",
    "Joseph": "Joe",
    "Charlotte": "Lottie",
    "Matilda": "Tilly",
    "Florence": "Flo",
    "Theodore": "Teddy",
    "Harriet": "Hattie",
    "Zachary": "Zac",
}

# Staff: (username, first name, last name, role, job title). Class staff are added per class below.
LEAD_STAFF = (
    ("head", "Helen", "Ashworth", Role.HEADTEACHER, "Headteacher"),
    ("sendco", "Priya", "Mistry", Role.SENDCO, "SENDCo"),
    ("attendance", "Gareth", "Lloyd", Role.ATTENDANCE_OFFICER, "Attendance officer"),
    ("dsl", "Claire", "Donnelly", Role.DSL, "Deputy headteacher and DSL"),
    ("office", "Janet", "Pickering", Role.OFFICE_STAFF, "School business manager"),
    ("governor", "Robert", "Ainsworth", Role.GOVERNOR, "Chair of governors"),
    ("trustlead", "Amanda", "Fairweather", Role.TRUST_LEAD, "Director of education"),
)
TEACHER_NAMES = (
    ("Lucy", "Harper"),
    ("Tom", "Bennett"),
    ("Aisha", "Rahman"),
    ("Kate", "Morley"),
    ("Daniel", "Okoro"),
    ("Sophie", "Grant"),
    ("Mark", "Ellison"),
    ("Rachel", "Whitfield"),
    ("Imran", "Hussain"),
    ("Emma", "Doyle"),
    ("James", "Calloway"),
    ("Nicola", "Fraser"),
    ("Ben", "Ashcroft"),
    ("Hannah", "Pryce"),
)
TA_NAMES = (("Sandra", "Holt"), ("Leanne", "Cartwright"), ("Michelle", "Oduya"), ("Paul", "Renshaw"))
# The class teacher and TA of Heron (Year 3) get the short usernames "teacher" and "ta".
MAIN_CLASS = "Heron"


@dataclass
class Plan:
    year_start: int
    staff: list[dict] = field(default_factory=list)
    classes: list[dict] = field(default_factory=list)
    families: list[dict] = field(default_factory=list)
    pupils: list[dict] = field(default_factory=list)
    years: list[dict] = field(default_factory=list)


# --- calendar -------------------------------------------------------------------------------------
def _weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _friday_on_or_before(day: date) -> date:
    return day - timedelta(days=(day.weekday() - 4) % 7)


def _last_monday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=day.weekday())


def academic_year_plan(year_start: int) -> dict:
    """Half-terms of a typical English local authority for the year starting September `year_start`.

    October half-term is the week of the last Monday in October; February half-term the week of the
    third Monday; Easter is a fortnight around Easter Monday; May half-term the week of the spring bank
    holiday. INSET days open the autumn and spring terms. For 2026/27: Autumn 1 runs 1 Sep-23 Oct,
    Autumn 2 2 Nov-18 Dec, Spring 1 4 Jan-12 Feb, Spring 2 22 Feb-26 Mar, Summer 1 12 Apr-28 May,
    Summer 2 7 Jun-21 Jul.
    """
    y1, y2 = year_start, year_start + 1
    october = _last_monday(y1, 10)
    february = date(y2, 2, 1) + timedelta(days=(7 - date(y2, 2, 1).weekday()) % 7 + 14)
    easter_monday = next(
        d for d, n in holidays.country_holidays("GB", subdiv="ENG", years=y2).items() if n == "Easter Monday"
    )
    # An early Easter: school runs to Good Friday and breaks for a fortnight; otherwise the fortnight
    # starts on the Monday of Holy Week.
    easter_break = easter_monday if easter_monday < date(y2, 4, 1) else easter_monday - timedelta(days=7)
    may = _last_monday(y2, 5)
    periods = [
        ("Autumn 1", _weekday_on_or_after(date(y1, 9, 1)), october - timedelta(days=3)),
        ("Autumn 2", october + timedelta(days=7), _friday_on_or_before(date(y1, 12, 20))),
        ("Spring 1", _weekday_on_or_after(date(y2, 1, 4)), february - timedelta(days=3)),
        ("Spring 2", february + timedelta(days=7), easter_break - timedelta(days=3)),
        ("Summer 1", easter_break + timedelta(days=14), may - timedelta(days=3)),
        ("Summer 2", may + timedelta(days=7), _weekday_on_or_before(date(y2, 7, 21))),
    ]
    inset = [periods[0][1], periods[2][1]]
    return {
        "name": f"{y1}/{str(y2)[-2:]}",
        "start_date": date(y1, 9, 1),
        "end_date": date(y2, 8, 31),
        "periods": periods,
        "inset": inset,
    }


def first_school_day(y1: int) -> date:
    """The first day pupils come in the school year starting in September of ``y1``: the autumn
    term opens with an INSET day (``academic_year_plan``), so it is the next weekday."""
    return _weekday_on_or_after(_weekday_on_or_after(date(y1, 9, 1)) + timedelta(days=1))


#: Pupils who joined during this school year (years 1 to 6), as days before "today": one last week,
#: whose new-pupil return is still due, one whose return is a few days overdue, and one from earlier in
#: term. Everyone else joined Reception on the first school day (no return needed), so the returns page
#: shows the handful a real school has, not one per Reception pupil.
IN_YEAR_JOINERS_DAYS_AGO = (3, 10, 40)


def add_in_year_joiners(plan: Plan, *, today: date) -> None:
    """Move a few pupils' admission to this school year, on school days up to ``today``.

    Pupils without SEND, safeguarding or care flags are picked, spread through the roll, so the other
    demo builders (SEND, cases) are not affected. Pure: the same plan and day, the same joiners.

    >>> plan = demo_plan(seed=1, year_start=2026)
    >>> add_in_year_joiners(plan, today=date(2026, 11, 23))
    >>> sorted(p["admission_date"] for p in plan.pupils if p["admission_date"] > date(2026, 9, 2))
    [datetime.date(2026, 10, 14), datetime.date(2026, 11, 13), datetime.date(2026, 11, 20)]
    """
    first_day = first_school_day(plan.year_start)
    year = next(y for y in plan.years if y["start_date"].year == plan.year_start)

    def school_day_on_or_before(day: date) -> date:
        while (
            day.weekday() >= 5
            or day in year["inset"]
            or not any(a <= day <= b for _, a, b in year["periods"])
        ):
            day -= timedelta(days=1)
            if day < first_day:
                return day
        return day

    candidates = [
        p
        for p in plan.pupils
        if p["leaving_date"] is None
        and p["year_group"] >= 1
        and p["sen_provision"] == "N"
        and not p["safeguarding_status"]
        and not p["looked_after"]
        and not p["previously_looked_after"]
    ]
    if not candidates:
        return
    step = max(1, len(candidates) // (len(IN_YEAR_JOINERS_DAYS_AGO) + 1))
    for n, days_ago in enumerate(IN_YEAR_JOINERS_DAYS_AGO, start=1):
        joined = school_day_on_or_before(today - timedelta(days=days_ago))
        if joined < first_day or joined > today:
            continue
        candidates[min(n * step, len(candidates) - 1)]["admission_date"] = joined


def academic_year_start(today: date) -> int:
    return today.year if today.month >= 9 else today.year - 1


# --- the plan -------------------------------------------------------------------------------------
def _upn(serial: int, admitted_year: int) -> str:
    body = f"999{2950:04d}{admitted_year % 100:02d}{serial % 1000:03d}"
    return check_letter(body) + body


def _random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _staff_plan(plan: Plan) -> None:
    for username, first, last, role, title in LEAD_STAFF:
        plan.staff.append(
            {
                "username": username,
                "first_name": first,
                "last_name": last,
                "role": role,
                "job_title": title,
                "classes": [],
            }
        )
    teachers = iter(TEACHER_NAMES)
    for names in CLASS_NAMES.values():
        for name in names:
            first, last = next(teachers)
            username = "teacher" if name == MAIN_CLASS else f"teacher.{name.lower()}"
            plan.staff.append(
                {
                    "username": username,
                    "first_name": first,
                    "last_name": last,
                    "role": Role.CLASS_TEACHER,
                    "job_title": f"Class teacher, {name}",
                    "classes": [name],
                }
            )
    ta_classes = (
        ("ta", ["Heron", "Kingfisher"]),
        ("ta.reception", ["Robin", "Wren"]),
        ("ta.year1", ["Finch", "Sparrow"]),
        ("ta.year6", ["Eagle", "Merlin"]),
    )
    for (username, classes), (first, last) in zip(ta_classes, TA_NAMES, strict=True):
        plan.staff.append(
            {
                "username": username,
                "first_name": first,
                "last_name": last,
                "role": Role.TEACHING_ASSISTANT,
                "job_title": "Teaching assistant",
                "classes": classes,
            }
        )


def _family(rng: random.Random, index: int, counters: dict) -> dict:
    surname = rng.choice(SURNAMES)
    eal = rng.random() < 0.2
    language = rng.choice(HOME_LANGUAGES) if eal else "English"
    number = rng.randint(1, 120)
    address = f"{number} {rng.choice(STREETS)}\nLarkfield"
    postcode = f"LF{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    contacts = []
    shape = rng.random()
    kinds = (
        [("Mother", ADULT_WOMEN), ("Father", ADULT_MEN)]
        if shape < 0.75
        else (
            [("Mother", ADULT_WOMEN)]
            if shape < 0.9
            else [("Father", ADULT_MEN)]
            if shape < 0.95
            else [("Grandmother", ADULT_WOMEN)]
        )
    )
    for relationship, names in kinds:
        first = rng.choice(names)
        counters["phone"] += 1
        contacts.append(
            {
                "key": f"family{index}-{relationship}",
                "first_name": first,
                "last_name": surname,
                "relationship": relationship,
                "parental_responsibility": relationship in ("Mother", "Father"),
                "phone": f"07700 900{counters['phone'] % 1000:03d}",
                "email": f"{first.lower()}.{surname.lower()}{counters['phone']}@example.com",
                "address": address,
                "postcode": postcode,
                "preferred_language": language,
            }
        )
    return {"surname": surname, "eal": eal, "contacts": contacts}


def _pupil(
    rng: random.Random,
    *,
    plan: Plan,
    year: int,
    class_name: str,
    family: dict,
    family_index: int,
    serial: int,
) -> dict:
    start = plan.year_start
    sex = rng.choice("FM")
    first = rng.choice(GIRLS if sex == "F" else BOYS)
    born = _random_date(rng, date(start - 5 - year, 9, 1), date(start - 4 - year, 8, 31))
    # Reception starts on the first school day of the year (after the INSET day), so the new-pupil
    # return is not needed for them (docs/rules.md section 7: the most junior year on the first day).
    reception_start = first_school_day(start - year)
    if rng.random() < 0.85 or year == 0:
        admitted = reception_start
    else:
        admitted = _weekday_on_or_after(_random_date(rng, reception_start, date(start, 7, 1)))
    flags = {
        "pupil_premium": rng.random() < 0.25,
        "eal": family["eal"],
        "looked_after": rng.random() < 0.01,
        "previously_looked_after": rng.random() < 0.01,
        "young_carer": rng.random() < 0.02,
        "service_child": rng.random() < 0.02,
        "medical_condition": rng.random() < 0.08,
    }
    flags["free_school_meals"] = flags["pupil_premium"] and rng.random() < 0.85
    sen = rng.random()
    safeguarding = rng.random()
    return {
        "upn": _upn(serial, admitted.year),
        "legal_first_name": first,
        "legal_last_name": family["surname"],
        "preferred_first_name": PREFERRED.get(first, "") if rng.random() < 0.5 else "",
        "date_of_birth": born,
        "sex": sex,
        "year_group": year,
        "class_name": class_name,
        "admission_date": admitted,
        "leaving_date": None,
        "sen_provision": "E" if sen < 0.03 else "K" if sen < 0.16 else "N",
        "safeguarding_status": "cp" if safeguarding < 0.01 else "cin" if safeguarding < 0.03 else "",
        "family": family_index,
        **flags,
    }


def demo_plan(*, seed: int, year_start: int) -> Plan:
    """Everything the demo school holds, as plain data. The same seed and year give the same plan."""
    rng = random.Random(seed)
    plan = Plan(year_start=year_start)
    plan.years = [academic_year_plan(year_start - 1), academic_year_plan(year_start)]
    _staff_plan(plan)
    plan.classes = [{"name": n, "year_group": y} for y, names in CLASS_NAMES.items() for n in names]
    free = {c["name"]: PUPILS_PER_CLASS for c in plan.classes}
    year_of = {c["name"]: c["year_group"] for c in plan.classes}
    counters = {"phone": 0}
    serial = 0
    while any(free.values()):
        family_index = len(plan.families)
        family = _family(rng, family_index, counters)
        plan.families.append(family)
        size = 1 if rng.random() < 0.6 else 2 if rng.random() < 0.8 else 3
        open_classes = [name for name, left in free.items() if left]
        rng.shuffle(open_classes)
        used_years: set[int] = set()
        for name in open_classes:
            if len(used_years) >= size:
                break
            if year_of[name] in used_years:
                continue
            used_years.add(year_of[name])
            free[name] -= 1
            serial += 1
            plan.pupils.append(
                _pupil(
                    rng,
                    plan=plan,
                    year=year_of[name],
                    class_name=name,
                    family=family,
                    family_index=family_index,
                    serial=serial,
                )
            )
    # A few pupils who left last year, so "include leavers" has something to show.
    last_summer = plan.years[0]["periods"][-1]
    for _ in range(6):
        family_index = len(plan.families)
        family = _family(rng, family_index, counters)
        plan.families.append(family)
        serial += 1
        pupil = _pupil(
            rng,
            plan=plan,
            year=rng.randint(1, 5),
            class_name="",
            family=family,
            family_index=family_index,
            serial=serial,
        )
        pupil["leaving_date"] = _random_date(rng, last_summer[1], last_summer[2])
        pupil["admission_date"] = min(pupil["admission_date"], pupil["leaving_date"] - timedelta(days=200))
        plan.pupils.append(pupil)
    return plan


# --- writing it -----------------------------------------------------------------------------------
def demo_school() -> School | None:
    return School.objects.filter(name=DEMO_SCHOOL, trust__name=DEMO_TRUST).first()


@transaction.atomic
def build_school(*, seed: int, today: date) -> School:
    """Write the demo school for `seed`. Call only when demo_school() is None (seed_demo checks)."""
    plan = demo_plan(seed=seed, year_start=academic_year_start(today))
    add_in_year_joiners(plan, today=today)
    trust, _ = Trust.objects.get_or_create(name=DEMO_TRUST)
    school = school_create(
        actor=None, trust=trust, name=DEMO_SCHOOL, urn="999901", local_authority="Northshire"
    )
    _write_calendar(school, plan)
    classes = {c["name"]: RegistrationClass(school=school, **c) for c in plan.classes}
    RegistrationClass.objects.bulk_create(list(classes.values()))
    _write_staff(school, plan, classes)
    _write_pupils(school, plan, classes)
    return school


def _write_calendar(school: School, plan: Plan) -> None:
    for year in plan.years:
        academic_year = AcademicYear.objects.create(
            school=school, name=year["name"], start_date=year["start_date"], end_date=year["end_date"]
        )
        TermPeriod.objects.bulk_create(
            TermPeriod(academic_year=academic_year, name=name, start_date=start, end_date=end)
            for name, start, end in year["periods"]
        )
        ClosureDay.objects.bulk_create(
            ClosureDay(school=school, date=day, kind=ClosureDay.Kind.INSET, reason="Staff training")
            for day in year["inset"]
        )


def _write_staff(school: School, plan: Plan, classes: dict) -> None:
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing per user would take seconds
    existing = {u.username: u for u in User.objects.filter(username__in=[s["username"] for s in plan.staff])}
    new_users = []
    for person in plan.staff:
        if person["username"] not in existing:
            user = User(
                username=person["username"],
                first_name=person["first_name"],
                last_name=person["last_name"],
                job_title=person["job_title"],
                email=f"{person['username']}@larkfield.example.com",
                password=password,
            )
            new_users.append(user)
            existing[user.username] = user
    User.objects.bulk_create(new_users)
    existing = {u.username: u for u in User.objects.filter(username__in=[s["username"] for s in plan.staff])}
    Membership.objects.bulk_create(
        [Membership(user=existing[p["username"]], school=school, role=p["role"]) for p in plan.staff],
        ignore_conflicts=True,
    )
    through = RegistrationClass.staff.through
    through.objects.bulk_create(
        through(registrationclass_id=classes[name].pk, user_id=existing[p["username"]].pk)
        for p in plan.staff
        for name in p["classes"]
    )


def _write_pupils(school: School, plan: Plan, classes: dict) -> None:
    pupils = []
    for row in plan.pupils:
        data = {k: v for k, v in row.items() if k not in ("class_name", "family")}
        pupils.append(Pupil(school=school, registration_class=classes.get(row["class_name"]), **data))
    Pupil.objects.bulk_create(pupils)
    sync_memberships(pupils)
    contacts, links = {}, []
    for pupil, row in zip(pupils, plan.pupils, strict=True):
        for number, person in enumerate(plan.families[row["family"]]["contacts"], start=1):
            contact = contacts.get(person["key"])
            if contact is None:
                fields = {
                    k: v
                    for k, v in person.items()
                    if k not in ("key", "relationship", "parental_responsibility")
                }
                contact = contacts[person["key"]] = Contact(school=school, **fields)
            links.append((pupil, contact, person, number))
    Contact.objects.bulk_create(list(contacts.values()))
    PupilContact.objects.bulk_create(
        PupilContact(
            pupil=pupil,
            contact=contact,
            relationship=person["relationship"],
            parental_responsibility=person["parental_responsibility"],
            priority=number,
        )
        for pupil, contact, person, number in links
    )
    record_bulk(
        actor=None,
        action="school.pupil.created",
        school=school,
        reason="demo data",
        entries=[
            {
                "object_type": "school.pupil",
                "object_id": p.pk,
                "object_repr": str(p),
                "pupil_id": p.pk,
                "after": {"upn": p.upn},
            }
            for p in pupils
        ],
    )


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, name, role) for every demo account that exists, in a sensible order."""
    school = demo_school()
    if school is None:
        return []
    rows = (
        Membership.objects.filter(school=school, is_active=True)
        .select_related("user")
        .order_by("user__username")
    )
    order = {role: index for index, role in enumerate(Role.values)}
    result = [(m.user.username, str(m.user), m.get_role_display(), order.get(m.role, 99)) for m in rows]
    result.sort(key=lambda r: (r[3], r[0]))
    return [r[:3] for r in result]
