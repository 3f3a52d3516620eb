"""The ``plp`` console script: the command runs with Python's cyclic collector paused.

Start-up imports a few hundred modules (SQLAlchemy, pydantic, typer, plp's tables)
whose objects all live until the command ends, and the cyclic garbage collector walks
them again and again while they load: about a tenth of ``plp project show``'s CPU
time, and more for a command that builds many objects, such as ``plp check`` over
thousands of due milestones (bench/notes.md). So the console script pauses the
collector before it imports anything. A command is short: reference counting frees
what it is done with, and the rest goes when the process ends.

A command that keeps running (``plp serve``, ``plp scheduler run``) calls
:func:`plp.cli.state.keep_running` as it starts: what start-up made is moved out of
the collector's way (``gc.freeze``) and the collector runs again as usual.

``plp.cli.main`` itself leaves the collector alone, so calling it in-process (tests,
tools) changes nothing about the caller's collector.
"""

from __future__ import annotations

import gc


def main() -> None:
    gc.disable()
    from plp.cli import main as run

    run()  # exits with the command's code

