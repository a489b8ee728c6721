from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    label = "support"
    verbose_name = _("Gezinsondersteuning")
    default_auto_field = "django.db.models.BigAutoField"
    # The referrals (support/referrals/) are part of support: their admin templates and
    # e-mails go to support's catalogue too (portal/catalogues.py).
    catalogue_templates = ("support/*", "emails/support_*", "referrals/*", "emails/referral_*")

    def ready(self) -> None:
        from portal.registry import (
            BRANCH_COORDINATOR,
            register_agenda_provider,
            register_demo_builder,
            register_digest_provider,
            register_mijn_section,
            register_personal_data_exporter,
            register_role_permissions,
            register_scale_seeder,
            register_volunteer_record_section,
        )
        from support import dashboard
        from support.demo import build_support_demo
        from support.registry_hooks import (
            check_in_agenda,
            digest_sections,
            export_support_data,
            mijn_family_section,
            volunteer_record_section,
        )
        from support.scale import seed_support

        # Family data: the branch's own coordinators only, not national staff.
        register_role_permissions(
            BRANCH_COORDINATOR,
            [
                "support.add_match",
                "support.change_match",
                "support.view_match",
                "support.change_checkin",
                "support.view_checkin",
                "support.view_visit",
                "support.add_visit",
            ],
        )
        register_mijn_section(mijn_family_section, order=5)
        register_digest_provider(digest_sections)
        register_agenda_provider(check_in_agenda, own_branches_only=True)
        register_personal_data_exporter(export_support_data)
        register_volunteer_record_section(volunteer_record_section)
        # After the referrals (30) and the volunteers they are matched with.
        register_demo_builder("support", build_support_demo, order=60)
        register_scale_seeder("support", seed_support, order=60)
        dashboard.register()
