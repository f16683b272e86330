"""factory_boy factories shared by every app's tests. Add new factories at the end of the file."""

from datetime import date

import factory
from django.contrib.auth import get_user_model
from faker.providers.person.en_GB import Provider as _EnglishNames

from school.class_membership import sync_memberships
from school.models import (
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
from school.upn import check_letter

# Last names for people made by the factories: Faker's English list without the few like O'Neill.
# Tests look for names in HTML, where an apostrophe is escaped (&#x27;), so such a name failed about one
# run in a hundred. A prime stride through the list gives each of any few hundred people in a row a different
# last name, so no two pupils in a test share a full name either.
_LAST_NAMES = [name for name in _EnglishNames.last_names if name.isalpha()]


def _last_name(n: int) -> str:
    return _LAST_NAMES[(n * 7919) % len(_LAST_NAMES)]


DEFAULT_PASSWORD = "correct-horse-battery-staple"

# The 2026/27 year used across tests (a realistic English calendar; fictional INSET days).
HALF_TERMS_2026_27 = [
    ("Autumn 1", date(2026, 9, 2), date(2026, 10, 23)),
    ("Autumn 2", date(2026, 11, 2), date(2026, 12, 18)),
    ("Spring 1", date(2027, 1, 5), date(2027, 2, 12)),
    ("Spring 2", date(2027, 2, 22), date(2027, 3, 26)),
    ("Summer 1", date(2027, 4, 12), date(2027, 5, 28)),
    ("Summer 2", date(2027, 6, 7), date(2027, 7, 21)),
]
HALF_TERMS_2025_26 = [
    ("Autumn 1", date(2025, 9, 3), date(2025, 10, 24)),
    ("Autumn 2", date(2025, 11, 3), date(2025, 12, 19)),
    ("Spring 1", date(2026, 1, 5), date(2026, 2, 13)),
    ("Spring 2", date(2026, 2, 23), date(2026, 3, 27)),
    ("Summer 1", date(2026, 4, 13), date(2026, 5, 22)),
    ("Summer 2", date(2026, 6, 1), date(2026, 7, 22)),
]


def make_upn(serial: int, la: int = 938, establishment: int = 2001, year: int = 19) -> str:
    body = f"{la:03d}{establishment:04d}{year:02d}{serial:03d}"
    return check_letter(body) + body


class TrustFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trust
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Brookfield Learning Trust {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    trust = factory.SubFactory(TrustFactory)
    name = factory.Sequence(lambda n: f"Meadowbank Primary {n}")
    urn = factory.Sequence(lambda n: f"{900000 + n}")
    local_authority = "Northshire"

    @factory.post_generation
    def set_up(school, create, extracted, **kwargs):
        """As school_create does: every app's defaults (tier bands, checklists) exist with the school."""
        if create:
            from school.school_setup import school_set_up

            school_set_up(school)


def add_academic_year(school, name="2026/27", half_terms=HALF_TERMS_2026_27, inset=()):
    year = AcademicYear.objects.create(
        school=school,
        name=name,
        start_date=date(half_terms[0][1].year, 9, 1),
        end_date=date(half_terms[0][1].year + 1, 8, 31),
    )
    for period_name, start, end in half_terms:
        TermPeriod.objects.create(academic_year=year, name=period_name, start_date=start, end_date=end)
    for day in inset:
        ClosureDay.objects.create(school=school, date=day, kind=ClosureDay.Kind.INSET, reason="INSET day")
    return year


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Sequence(_last_name)
    email = factory.LazyAttribute(lambda o: f"{o.username}@school.invalid")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    role = Role.CLASS_TEACHER


def staff(school, role, **user_kwargs):
    user = UserFactory(**user_kwargs)
    Membership.objects.create(user=user, school=school, role=role)
    return user


class RegistrationClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegistrationClass

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Class {n}")
    year_group = 3


class PupilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pupil
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    upn = factory.Sequence(lambda n: make_upn(n % 1000, establishment=2001 + n // 1000))
    legal_first_name = factory.Faker("first_name", locale="en_GB")
    legal_last_name = factory.Sequence(_last_name)
    date_of_birth = date(2018, 5, 1)
    sex = Pupil.Sex.FEMALE
    year_group = factory.LazyAttribute(
        lambda o: o.registration_class.year_group if o.registration_class else 3
    )
    registration_class = None
    admission_date = date(2022, 9, 1)

    @factory.post_generation
    def class_membership(obj, create, extracted, **kwargs):
        # Registers list pupils by dated membership, as the pupil import and the demo do.
        if create:
            sync_memberships([obj])


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    school = factory.SubFactory(SchoolFactory)
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Sequence(_last_name)
    phone = "01632 960000"
    email = factory.Sequence(lambda n: f"parent{n}@example.invalid")


class PupilContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PupilContact

    pupil = factory.SubFactory(PupilFactory)
    contact = factory.SubFactory(ContactFactory, school=factory.SelfAttribute("..pupil.school"))
    relationship = "Parent"
    parental_responsibility = True
    priority = 1


# --- attendance ---------------------------------------------------------------------------------
class RegisterMarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "attendance.RegisterMark"

    pupil = factory.SubFactory(PupilFactory)
    school = factory.SelfAttribute("pupil.school")
    date = date(2026, 11, 2)
    session = "AM"
    code = "/"


# --- send ---------------------------------------------------------------------------------------
def _now():
    from django.utils import timezone

    return timezone.now()


class SendRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "send.SendRecord"

    pupil = factory.SubFactory(PupilFactory)
    school = factory.SelfAttribute("pupil.school")
    status = "sen_support"
    status_since = date(2026, 9, 2)
    primary_need = "SLCN"


class ConcernFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "send.Concern"

    pupil = factory.SubFactory(PupilFactory)
    school = factory.SelfAttribute("pupil.school")
    raised_by = factory.SubFactory(UserFactory)
    raised_at = factory.LazyFunction(_now)
    area_of_need = "communication"
    what_we_see = "Finds it hard to follow two-step instructions."
    evidence = "Speech screening in September."
    adjustments_in_place = "Visual timetable; instructions chunked."


class SupportCycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "send.SupportCycle"

    pupil = factory.SubFactory(PupilFactory)
    school = factory.SelfAttribute("pupil.school")
    number = 1
    start_date = date(2026, 9, 7)
    review_due = date(2026, 12, 4)
    stage = "do"
    plan_type = "PLP"
    created_by = factory.SubFactory(UserFactory)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "send.Target"

    cycle = factory.SubFactory(SupportCycleFactory)
    area_of_need = "communication"
    target = factory.Sequence(lambda n: f"Follow a two-step instruction ({n})")
    success_criteria = "4 times out of 5 in class"
    strategies = "Say the pupil's name first; show and tell."
    provision = "Talk Boost, 3 x 30 minutes a week"
    responsible = "Class TA"
    review_date = date(2026, 12, 4)


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "send.Intervention"

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Reading catch-up {n}")
    area_of_need = "cognition"
    wave = 2
    delivery = "group"
    group_size = 4
    staff = "TA"
    sessions_per_week = 3
    minutes_per_session = 30
    cost_basis = "per_hour"
    cost = "18.00"


class ProvisionEnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "send.ProvisionEnrolment"

    pupil = factory.SubFactory(PupilFactory)
    school = factory.SelfAttribute("pupil.school")
    intervention = factory.SubFactory(InterventionFactory, school=factory.SelfAttribute("..pupil.school"))
    start_date = date(2026, 9, 7)
    measure_unit = "reading age (months)"
