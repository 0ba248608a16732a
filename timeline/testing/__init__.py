"""Contract suites for whoever writes a storage backend (needs pytest and hypothesis).

``timeline.testing.journal`` holds the journal contract: subclass
:class:`~timeline.testing.journal.JournalContract` in a ``Test...`` class,
give it a fresh journal and a tamper hook, and pytest runs every test of it
against your adapter.

``timeline.testing.views`` holds the views contract: subclass
:class:`~timeline.testing.views.ViewsContract` and give it new, empty views
of your adapter.
"""
