import pytest

from tests.courses.factories import make_course


@pytest.fixture
def course(branch):
    return make_course(branch)


@pytest.fixture
def small_course(branch):
    return make_course(branch, title="Kleine cursus", capacity=2)
