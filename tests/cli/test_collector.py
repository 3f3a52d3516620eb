"""The ``plp`` console script pauses Python's cyclic collector; long-running commands resume it.

A short command starts faster without the collector walking the start-up's objects
(plp/_start.py); ``plp scheduler run`` and ``plp serve`` run for days and must collect.
Each case runs the console script's own ``main`` in a fresh interpreter and reports the
collector's state as the process ends.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

_REPORT_AT_EXIT = ("import atexit, gc, sys\n"
                   "atexit.register(lambda: print('collector', 'on' if gc.isenabled() else 'off', file=sys.stderr))\n"
                   "sys.argv = ['plp', *sys.argv[1:]]\n"
                   "from plp._start import main\n"
                   "main()\n")


def collector_at_exit(*args: str) -> tuple[int, str]:
    p = subprocess.run([sys.executable, "-c", _REPORT_AT_EXIT, *args], capture_output=True, text=True,
                       env=dict(os.environ), timeout=60)
    return p.returncode, p.stderr.strip().splitlines()[-1]


def test_the_installed_command_is_the_script_that_pauses_the_collector():
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "plp"]
    assert script.value == "plp._start:main"


@pytest.mark.parametrize("args", [("project", "list"), ("check", "--dry-run")])
def test_a_short_command_runs_with_the_collector_paused(args):
    assert collector_at_exit(*args) == (0, "collector off")


def test_the_scheduler_runs_with_the_collector_on():
    assert collector_at_exit("scheduler", "run", "--every", "0.01", "--max-checks", "1") == (0, "collector on")


def test_the_web_server_turns_the_collector_on_before_it_starts():
    # An address that cannot be bound stops uvicorn at once; the collector was resumed before.
    code, last = collector_at_exit("serve", "--host", "203.0.113.1", "--port", "9")
    assert last == "collector on"
