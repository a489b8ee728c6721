"""`manage.py seed_scale`: national-size data for benchmarks (demo mode only)."""

import dataclasses
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.scale import SIZES, build_scale, is_seeded


class Command(BaseCommand):
    help = (
        "Add a national-size data set (60 branches, 5,000 volunteers, 20,000 referrals, "
        "...) on top of the demo content, for benchmarks. Demo mode only; run it once, "
        "on a database with the demo content."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SIZES), default="national")
        parser.add_argument("--seed", type=int, default=2026, help="Same seed, same data.")
        for name in ("branches", "volunteers", "referrals"):
            parser.add_argument(f"--{name}", type=int, help=f"Override the number of {name}.")

    def handle(self, *args, scale: str, seed: int, **options):
        if not settings.DEMO_MODE:
            raise CommandError("seed_scale is only available with DEMO_MODE=true.")
        if is_seeded():
            raise CommandError("The scale data set is already there; start from a fresh database.")
        overrides = {
            name: options[name]
            for name in ("branches", "volunteers", "referrals")
            if options.get(name) is not None
        }
        if any(value < 0 for value in overrides.values()):
            raise CommandError("Sizes cannot be negative.")
        size = dataclasses.replace(SIZES[scale], **overrides)
        started = time.monotonic()
        build_scale(size=size, seed=seed, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"Scale data ({scale}) ready in {time.monotonic() - started:.0f} s.")
        )
