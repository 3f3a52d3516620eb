"""User-facing errors.

Everything a user can get wrong raises a :class:`PlpError`. The CLI maps these to
one line, ``Error: <message>``, and exit code 1. Anything else is a bug.
"""

from __future__ import annotations


class PlpError(Exception):
    """A refused or invalid request; the message is shown to the user as is."""

    exit_code = 1


class NotFound(PlpError):
    """An unknown project, person, organisation, workflow, milestone or item."""


class InvalidInput(PlpError):
    """A value that cannot be accepted (a bad date, an unknown role or outcome...)."""


class AlreadyExists(PlpError):
    """A unique name or code that is already taken."""


class InvalidTransition(PlpError):
    """The workflow does not allow this step from where the project is."""


class GateBlocked(PlpError):
    """The decision point's criteria are not all met."""

    def __init__(self, message: str, unmet: list[str]):
        super().__init__(message)
        self.unmet = unmet


class NotAllowed(PlpError):
    """The acting person does not hold the role this action needs."""


class ConcurrentChange(PlpError):
    """Someone else changed the record between our read and our write."""


class WorkflowError(PlpError):
    """A workflow file that cannot be used; lists every problem with its line."""

    def __init__(self, source: str, problems: list[tuple[int | None, str]]):
        self.source = source
        self.problems = problems
        first = problems[0] if problems else (None, "invalid workflow")
        where = f"{source}:{first[0]}" if first[0] else source
        more = f" (and {len(problems) - 1} more problem(s); run 'plp workflow validate {source}')" if len(problems) > 1 else ""
        super().__init__(f"{where}: {first[1]}{more}")

    def lines(self) -> list[str]:
        return [f"{self.source}:{line}: {msg}" if line else f"{self.source}: {msg}" for line, msg in self.problems]


class SchemaOutdated(PlpError):
    """The database schema is not the one this plp needs; ``plp init`` upgrades it."""
