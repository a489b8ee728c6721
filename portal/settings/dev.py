"""Local development and `make run`: debug on, demo content allowed."""

from pathlib import Path
from urllib.parse import urlsplit

from django.core.management.utils import get_random_secret_key

from .base import *  # noqa: F403
from .base import BASE_DIR, WAGTAILADMIN_BASE_URL, env


def local_secret_key(path: Path) -> str:
    """This checkout's own key, made once and kept in an ignored file: a key in the
    repository would let anyone forge sessions and signed links of every `make run`."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = get_random_secret_key()
        try:
            with path.open("x") as file:  # a process starting at the same time may win
                file.write(key + "\n")
            path.chmod(0o600)
        except FileExistsError:
            return path.read_text().strip()
        return key


DEBUG = env.bool("DEBUG", default=True)
DEMO_MODE = env.bool("DEMO_MODE", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="") or local_secret_key(BASE_DIR / ".secret_key")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "0.0.0.0"])  # noqa: S104
# `ADDR=192.168.1.20:8000 make run` answers on that address too.
_netloc = urlsplit(WAGTAILADMIN_BASE_URL).netloc
if (_host := _netloc.rpartition(":")[0] or _netloc) and _host not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(_host)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default="")
