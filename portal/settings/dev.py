"""Local development and `make run`: debug on, demo content allowed."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
DEMO_MODE = env.bool("DEMO_MODE", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-not-secret-3f9c1e7a0b5d4a2c8e6f")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "0.0.0.0"])  # noqa: S104
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default="")
