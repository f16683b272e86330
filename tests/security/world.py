"""The permission matrix's world as a module-scoped fixture, for test modules that make a request per
URL (the matrix, the hostile-input walk): import `world_fixture` and
`world_private_media` (named `world` and `_private_media_in_tmp`) into the module."""

import pytest
from django.db import transaction
from django.test import override_settings


@pytest.fixture(scope="module", name="world")
def world_fixture(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once per module on each worker (it takes longer than the requests of a test).

    It is written inside an outer transaction that is never committed; each test runs in a savepoint
    within it (pytest-django's TestCase atomics) and is rolled back to it, so every test starts from
    the same untouched world, and nothing is left behind when the module ends."""
    from django.conf import settings

    # Documents the setups upload live as long as the world: a module-wide private folder, which the
    # per-test folder of tests/conftest.py would otherwise hide (see _private_media_in_tmp below).
    root = tmp_path_factory.mktemp("matrix_private_media")
    private = {**settings.STORAGES["private"], "OPTIONS": {"location": root}}
    with (
        override_settings(PRIVATE_MEDIA_ROOT=root, STORAGES={**settings.STORAGES, "private": private}),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        from tests.security.test_permission_matrix import build_world

        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True, name="_private_media_in_tmp")
def world_private_media():
    """Overrides the per-test folder of tests/conftest.py: the world's folder serves every test here."""
