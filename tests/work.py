"""Work done by a call, counted deterministically: Python lines run plus C functions called."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType
from typing import Any


@dataclass
class Work:
    """What one call did: its steps, and where they ran."""

    steps: int = 0
    modules: set[str] = field(default_factory=set)  # modules of the Python code run
    builtins: set[str] = field(default_factory=set)  # C functions and methods called


def work(function: Callable[..., Any], *args: Any) -> Work:
    """Run `function(*args)` under a tracer and a profiler and count what it did.

    A C string method (find, translate, split…) counts as one step: each is linear in its
    input, so a count linear in the input's length means linear time, whatever the machine.
    """
    done = Work()

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        if event == "call":
            done.modules.add(frame.f_globals.get("__name__", "?"))
        elif event == "line":
            done.steps += 1
        return trace

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event == "c_call":
            done.steps += 1
            done.builtins.add(getattr(arg, "__qualname__", repr(arg)))

    old_trace, old_profile = sys.gettrace(), sys.getprofile()
    gc.collect()
    gc.disable()  # no finalizer of someone else's objects runs inside the count
    sys.settrace(trace)
    sys.setprofile(profile)
    try:
        function(*args)
    finally:
        sys.setprofile(old_profile)
        sys.settrace(old_trace)
        gc.enable()
    return done
