from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "letters"

    def ready(self):
        from school import policy
        from school.navigation import NavEntry, register

        # Everyone who sees the pupil may see the panel; it lists only letters of kinds their role may
        # open (letters.selectors.letters_for), and says so when there are none.
        register(pupil_panels=[NavEntry("Letters", "letters:panel_pupil", policy.VIEW_PUPILS, order=40)])
        # Letter templates: the list shows only the kinds the user may edit (letters/template_policy.py).
        register(nav=[NavEntry("Letter templates", "letters:template_list", policy.VIEW_CASES, order=47)])
