from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecruitmentConfig(AppConfig):
    name = "portal.recruitment"
    label = "recruitment"
    verbose_name = _("Werving van vrijwilligers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allauth.account.signals import password_reset

        from portal.recruitment import dashboard
        from portal.recruitment.services import application_record_section, export_applications
        from portal.registry import (
            register_personal_data_exporter,
            register_volunteer_record_section,
        )

        register_volunteer_record_section(application_record_section)
        register_personal_data_exporter(export_applications)
        dashboard.register()
        password_reset.connect(
            _verify_applicant_address, dispatch_uid="recruitment-verify-applicant-address"
        )


def _verify_applicant_address(sender, request, user, **kwargs) -> None:
    from portal.recruitment.services import verify_address_of_applicant

    verify_address_of_applicant(user=user)
