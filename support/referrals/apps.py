from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_schedules(sender, using: str = "default", **kwargs) -> None:
    from support.referrals.schedules import ensure_schedules

    ensure_schedules(using=using)


class ReferralsConfig(AppConfig):
    name = "support.referrals"
    label = "referrals"
    verbose_name = _("Aanmeldingen gezinnen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_ensure_schedules, sender=self, dispatch_uid="referrals-schedules")

        from portal.registry import (
            COORDINATOR,
            register_demo_builder,
            register_page_form_view,
            register_role_permissions,
            register_scale_seeder,
        )
        from support.referrals import dashboard
        from support.referrals.demo import build_referrals_demo
        from support.referrals.scale import seed_referrals
        from support.referrals.views import referral_form

        register_role_permissions(
            COORDINATOR, ["referrals.view_referral", "referrals.change_referral"]
        )
        register_page_form_view("referral", referral_form)
        register_demo_builder("referrals", build_referrals_demo, order=30)
        register_scale_seeder("referrals", seed_referrals, order=30)
        dashboard.register()
