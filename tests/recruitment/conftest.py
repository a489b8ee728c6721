from tests.pages.conftest import public_site  # noqa: F401  (the recruitment page lives there)
