"""Settings for the whole test suite."""

import pytest
from hypothesis import settings

# No wall-clock deadline per example: on a machine shared with other work an example can
# take ten times as long as usual, and a test must not fail for it.
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A PostgreSQL server's URL for the whole session (see tests/postgres.py)."""
    from postgres import server_url

    return server_url()


@pytest.fixture
def postgres_target(postgres_url: str) -> str:
    """A PostgreSQL target with a schema of its own for this test."""
    from postgres import fresh_target

    return fresh_target(postgres_url)
