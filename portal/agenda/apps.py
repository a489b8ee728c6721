from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _renew_feed_address(sender, request=None, user=None, **kwargs) -> None:
    """A new password ends old secrets too: someone who knew the password may have
    copied the feed address, which otherwise keeps working without any login."""
    from portal.agenda.models import CalendarFeedToken
    from portal.agenda.services import regenerate_feed_token

    if user is not None and CalendarFeedToken.objects.filter(user=user).exists():
        regenerate_feed_token(user=user)


class AgendaConfig(AppConfig):
    name = "portal.agenda"
    label = "agenda"
    verbose_name = _("Agenda")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allauth.account.signals import password_changed, password_reset, password_set

        for signal in (password_changed, password_reset, password_set):
            signal.connect(_renew_feed_address, dispatch_uid=f"agenda-renew-{id(signal)}")
        from portal.agenda.views import agenda_mijn_section
        from portal.registry import register_mijn_section

        register_mijn_section(agenda_mijn_section, order=10)
