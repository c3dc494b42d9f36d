from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "shiliu.quizzes"
    label = "quizzes"
    verbose_name = _("Quizzes and questionnaires")

    def ready(self):
        from shiliu.core.demo import register_seeder
        from shiliu.core.navigation import NavItem, register
        from shiliu.core.views import register_home_panel

        from . import views
        from .demo import flush_quizzes, seed_quizzes

        register(
            NavItem(_("Quizzes and questionnaires"), "quizzes:quiz_list", group="quizzes", order=75),
            NavItem(_("Quiz responses"), "quizzes:response_list", group="quizzes", order=76),
        )
        register_home_panel(views.home_panel)
        register_seeder("quizzes", seed_quizzes, order=55, flush=flush_quizzes)
