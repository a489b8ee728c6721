from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.models import Branch
from portal.registry import registry


class Command(BaseCommand):
    help = "Fill the portal with demo content (demo mode only). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds branches.",
        )

    def handle(self, *args, if_empty: bool = False, **options):
        if not settings.DEMO_MODE:
            raise CommandError("Demo content is only available with DEMO_MODE=true.")
        if if_empty and Branch.objects.exists():
            self.stdout.write("The database already has content; no demo content added.")
            return
        for _, name, builder in registry.demo_builders:
            self.stdout.write(f"Demo content: {name}")
            builder(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
