from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntervisionConfig(AppConfig):
    name = "intervision"
    label = "intervision"
    verbose_name = _("Intervisie")
    default_auto_field = "django.db.models.BigAutoField"
    # Site-wide templates whose strings go to this part's catalogue (portal/catalogues.py).
    catalogue_templates = ("intervision/*", "emails/intervision_*", "emails/theme_meeting_*")

    def ready(self) -> None:
        from intervision import dashboard
        from intervision.agenda import (
            intervision_agenda,
            theme_meeting_agenda,
            upcoming_theme_meetings,
        )
        from intervision.demo import build_intervision_demo
        from intervision.records import (
            absence_digest_sections,
            attendance_record_section,
            export_intervision_data,
        )
        from intervision.scale import seed_intervision
        from portal.registry import (
            COORDINATOR,
            register_agenda_provider,
            register_demo_builder,
            register_digest_provider,
            register_personal_data_exporter,
            register_role_permissions,
            register_scale_seeder,
            register_upcoming_events_provider,
            register_volunteer_record_section,
        )

        register_role_permissions(
            COORDINATOR,
            [
                "intervision.add_intervisiongroup",
                "intervision.change_intervisiongroup",
                "intervision.delete_intervisiongroup",
                "intervision.view_intervisiongroup",
                "intervision.change_intervisionsession",
                "intervision.view_intervisionsession",
                "intervision.add_thememeeting",
                "intervision.change_thememeeting",
                "intervision.view_thememeeting",
            ],
        )
        register_agenda_provider(intervision_agenda)
        register_agenda_provider(theme_meeting_agenda)
        register_upcoming_events_provider(upcoming_theme_meetings)
        register_volunteer_record_section(attendance_record_section)
        register_personal_data_exporter(export_intervision_data)
        register_digest_provider(absence_digest_sections)
        register_demo_builder("intervision", build_intervision_demo, order=50)
        register_scale_seeder("intervision", seed_intervision, order=50)
        dashboard.register()
