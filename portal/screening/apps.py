from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "portal.screening"
    label = "screening"
    verbose_name = _("Screening en begeleiding van vrijwilligers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.registry import register_scale_seeder
        from portal.screening import dashboard, registry_hooks
        from portal.screening.scale import seed_screening

        registry_hooks.register()
        dashboard.register()
        # After the volunteers (portal, 0), whose statuses and dates it follows.
        register_scale_seeder("screening", seed_screening, order=10)
