"""Start-up hooks of background jobs; ``connect()`` is called once from ``CoreConfig.ready``."""


def connect() -> None:
    # The tasks module registers the sweep task with the worker and beat.
    from linli.core.jobs import tasks  # noqa: F401
