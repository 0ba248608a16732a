"""Settings for the whole test suite."""

from hypothesis import settings

# No wall-clock deadline per example: on a machine shared with other work an example can
# take ten times as long as usual, and a test must not fail for it.
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")
