from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "portal.agenda"
    label = "agenda"
    verbose_name = _("Agenda")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.agenda.views import agenda_mijn_section
        from portal.registry import register_mijn_section

        register_mijn_section(agenda_mijn_section, order=10)
