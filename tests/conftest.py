"""Shared fixtures: a school with a calendar, staff personas in every role, and logged-in clients.

Personas: headteacher, sendco, attendance_officer, dsl, class_teacher (of `own_class`),
teaching_assistant (of `own_class`), office_staff, governor, trust_lead, other_school_teacher.
`login(user)` returns a test client signed in as that user (with whatever second factor the
security layer requires), so tests never depend on how sign-in works.
"""

import os
from datetime import date

import pytest

from school.models import Role
from tests import factories as f

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_postgresql() -> None:
    """For tests of PostgreSQL's own behaviour (row locks, races): skipped on SQLite outside CI; under
    CI=true a missing PostgreSQL fails, so such a test can never pass there without running."""
    from django.db import connection

    if connection.vendor != "postgresql":
        if IN_CI:
            pytest.fail("This test needs DATABASE_URL to point at PostgreSQL under CI=true")
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")


@pytest.fixture(autouse=True, scope="session")
def _no_persistent_connections_in_threads():
    """Every thread that touches the database closes its connection when its request ends.

    The live server answers each browser connection in its own thread, and Chromium keeps its sockets
    alive; with the production CONN_MAX_AGE each of those threads kept a PostgreSQL connection open
    until the end of the run. The browser tests then held dozens of idle connections on each xdist
    worker, and the race tests that run last failed with "too many clients". Django's own default (0)
    closes the connection at the end of each request instead. The settings dict is shared with every
    thread's connection, so changing it here reaches the threads too."""
    from django.db import connections

    for alias in connections:
        connections[alias].settings_dict["CONN_MAX_AGE"] = 0


@pytest.fixture(autouse=True)
def _private_media_in_tmp(settings, tmp_path):
    """Uploaded documents written by any test land in a temporary folder, never the project tree.
    The private storage is configured from the setting once, so it is pointed there too."""
    root = tmp_path / "private_media"
    settings.PRIVATE_MEDIA_ROOT = root
    private = {**settings.STORAGES["private"], "OPTIONS": {"location": root}}
    settings.STORAGES = {**settings.STORAGES, "private": private}


@pytest.fixture
def school(db):
    school = f.SchoolFactory(name="Meadowbank Primary")
    f.add_academic_year(school, inset=[date(2026, 9, 1)])
    return school


@pytest.fixture
def other_school(db):
    other = f.SchoolFactory(name="Hillside Primary")
    f.add_academic_year(other)
    return other


@pytest.fixture
def own_class(school):
    return f.RegistrationClassFactory(school=school, name="Oak", year_group=3)


@pytest.fixture
def other_class(school):
    return f.RegistrationClassFactory(school=school, name="Ash", year_group=4)


@pytest.fixture
def pupil(own_class):
    return f.PupilFactory(school=own_class.school, registration_class=own_class)


@pytest.fixture
def other_class_pupil(other_class):
    return f.PupilFactory(school=other_class.school, registration_class=other_class)


@pytest.fixture
def other_school_pupil(other_school):
    cls = f.RegistrationClassFactory(school=other_school, name="Elm", year_group=3)
    return f.PupilFactory(school=other_school, registration_class=cls)


@pytest.fixture
def headteacher(school):
    return f.staff(school, Role.HEADTEACHER, username="head")


@pytest.fixture
def sendco(school):
    return f.staff(school, Role.SENDCO, username="sendco")


@pytest.fixture
def attendance_officer(school):
    return f.staff(school, Role.ATTENDANCE_OFFICER, username="attendance")


@pytest.fixture
def dsl(school):
    return f.staff(school, Role.DSL, username="dsl")


@pytest.fixture
def class_teacher(school, own_class):
    user = f.staff(school, Role.CLASS_TEACHER, username="teacher")
    own_class.staff.add(user)
    return user


@pytest.fixture
def teaching_assistant(school, own_class):
    user = f.staff(school, Role.TEACHING_ASSISTANT, username="ta")
    own_class.staff.add(user)
    return user


@pytest.fixture
def office_staff(school):
    return f.staff(school, Role.OFFICE_STAFF, username="office")


@pytest.fixture
def governor(school):
    return f.staff(school, Role.GOVERNOR, username="governor")


@pytest.fixture
def trust_lead(school):
    return f.staff(school, Role.TRUST_LEAD, username="trustlead")


@pytest.fixture
def other_school_teacher(other_school):
    user = f.staff(other_school, Role.CLASS_TEACHER, username="otherteacher")
    cls = f.RegistrationClassFactory(school=other_school, name="Birch", year_group=3)
    cls.staff.add(user)
    return user


def sign_in(client, user):
    """Sign `client` in as `user`, passing any second factor the security layer requires.

    Gives the user a confirmed authenticator device if they have none, then marks the session as
    verified with it, as django_otp.login() does after a correct code."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def login(client):
    """login(user) -> a Django test client signed in as `user` (one client per test)."""

    def _login(user):
        return sign_in(client, user)

    return _login


@pytest.fixture
def client_for(db):
    """client_for(user) -> a fresh signed-in client, for tests that need several users at once."""
    from django.test import Client

    def _client_for(user):
        return sign_in(Client(), user)

    return _client_for
