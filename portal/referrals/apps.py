from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_schedules(sender, using: str = "default", **kwargs) -> None:
    from portal.referrals.schedules import ensure_schedules

    ensure_schedules(using=using)


class ReferralsConfig(AppConfig):
    name = "portal.referrals"
    label = "referrals"
    verbose_name = _("Aanmeldingen gezinnen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_ensure_schedules, sender=self, dispatch_uid="referrals-schedules")

        from portal.referrals import dashboard
        from portal.referrals.demo import build_referrals_demo
        from portal.referrals.scale import seed_referrals
        from portal.registry import (
            COORDINATOR,
            register_demo_builder,
            register_role_permissions,
            register_scale_seeder,
        )

        register_role_permissions(
            COORDINATOR, ["referrals.view_referral", "referrals.change_referral"]
        )
        register_demo_builder("referrals", build_referrals_demo, order=30)
        register_scale_seeder("referrals", seed_referrals, order=30)
        dashboard.register()
