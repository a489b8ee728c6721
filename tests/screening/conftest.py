import pytest

from tests.migrated_data import ensure_home_start_checklist


@pytest.fixture(autouse=True)
def home_start_checklist(request):
    """Screening tests read the Home-Start set the migration seeds; an earlier
    transactional test may have flushed it (tests/migrated_data.py). Runs after
    pytest-django's own autouse fixture has opened the database."""
    if request.node.get_closest_marker("django_db"):
        ensure_home_start_checklist()
