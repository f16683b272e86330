"""An adult who delivers interventions finds "My interventions" even without a class of their own
(QA walk, issue 15: the only link was on "My class SEND" for a chosen class, and "My class SEND" is
in the menu only for staff of a class, so a TA without a class had no way to record a session)."""

from django.urls import reverse

from school.models import Role
from tests import factories as f


def test_a_ta_without_a_class_reaches_my_interventions_from_home_and_my_class_send(client_for, school):
    floating_ta = f.staff(school, Role.TEACHING_ASSISTANT, username="floating.ta")
    intervention = f.InterventionFactory(school=school, name="Phonics boost", delivered_by=floating_ta)
    client = client_for(floating_ta)
    target = reverse("send:my_interventions")

    home_panel = client.get(reverse("send:panel_home")).content.decode()
    assert f'href="{target}"' in home_panel and "My interventions" in home_panel

    my_class = client.get(reverse("send:class_view")).content.decode()
    assert "You are not linked to a class yet." in my_class
    assert f'href="{target}"' in my_class

    page = client.get(target).content.decode()
    assert "Phonics boost" in page
    assert reverse("send:session_create", args=[intervention.pk]) in page
