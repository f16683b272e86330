"""A governor follows every link they can reach; no pupil's name or UPN appears anywhere."""

from collections import deque

import pytest

from school.models import Pupil
from tests import factories as f
from tests.security.forms import parse_page, same_site_path
from tests.security.test_permission_matrix import build_world, client_as

PAGE_LIMIT = 200
SKIP_PREFIXES = ("/logout/", "/admin/", "/static/")


def plant_identifiable_pupils(world):
    """Give every pupil a name that cannot occur by chance, and add a few more."""
    for n in range(6):
        f.PupilFactory(
            school=world.school, registration_class=world.own_class if n % 2 else world.other_class
        )
    planted = []
    for index, pupil in enumerate(Pupil.objects.all()):
        pupil.legal_first_name = f"Quillon{index}zeph"
        pupil.legal_last_name = f"Vantablack{index}orr"
        pupil.preferred_first_name = f"Pipkin{index}wry"
        pupil.save()
        planted += [pupil.legal_first_name, pupil.legal_last_name, pupil.preferred_first_name, pupil.upn]
    return planted


@pytest.mark.django_db
def test_governor_crawl_finds_no_pupil_names_or_upns():
    world = build_world()
    planted = plant_identifiable_pupils(world)
    client = client_as(world, "governor")
    queue, seen, visited = deque(["/"]), {"/"}, 0
    while queue and visited < PAGE_LIMIT:
        url = queue.popleft()
        response = client.get(url)
        visited += 1
        assert response.status_code < 500, f"{url}: {response.status_code}"
        if response.status_code in (301, 302):
            target = same_site_path(url, response["Location"])
            if target and target not in seen and not target.startswith(SKIP_PREFIXES):
                seen.add(target)
                queue.append(target)
            continue
        body = response.content.decode(errors="replace")
        for secret in planted:
            assert secret not in body, f"{url} shows {secret!r} to a governor"
        if "html" not in response.get("Content-Type", ""):
            continue
        _, links = parse_page(body)
        for link in links:
            target = same_site_path(url, link)
            if target and target not in seen and not target.startswith(SKIP_PREFIXES):
                seen.add(target)
                queue.append(target)
    assert visited > 1, "the crawl reached no page beyond home"
