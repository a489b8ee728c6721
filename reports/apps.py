from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The annual report (jaarverslag): reads every part; no part imports it."""

    name = "reports"
    label = "reports"
    verbose_name = _("Jaarverslag")
    default_auto_field = "django.db.models.BigAutoField"
