"""A cold `essaybot ask`, measured against its floor and an older checkout, all interleaved.

Run from the repository root: `python docs/cold_start.py [OLD_CHECKOUT] [RUNS]`. Each round
runs, in fresh interpreters and in turn: an empty Python, `import numpy`, `import numpy,
pydantic_settings` (what any `essaybot` command needs: the index's arrays, the settings),
then `essaybot ask` from this checkout (and OLD_CHECKOUT) for a question the words decide,
one naming the unknown, and one that needs the sentence model. Prints the median of RUNS
(default 10) rounds and the load average, so figures from one run compare with each other.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = {
    "decided by words": "Why should Russia and Belarus have a stable, conflict-free relationship?",
    "names the unknown": "What did Putin say?",
    "needs the model": "Why does Belarus complain?",
}
ENV = {"ESSAYBOT_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}


def commands(old: Path | None) -> dict[str, tuple[list[str], Path]]:
    """Every command timed, by label: its argv and the checkout it runs from."""
    python = sys.executable
    timed = {
        "python, nothing imported": ([python, "-c", "pass"], ROOT),
        "import numpy": ([python, "-c", "import numpy"], ROOT),
        "import numpy, pydantic_settings": (
            [python, "-c", "import numpy, pydantic_settings"],
            ROOT,
        ),
    }
    checkouts = {"this": ROOT, **({"old": old} if old else {})}
    for kind, question in QUESTIONS.items():
        for name, checkout in checkouts.items():
            argv = [python, "-m", "bot", "ask", question, "--seeds", str(ROOT / "seeds")]
            timed[f"ask, {kind} ({name})"] = (argv, checkout)
    return timed


def main() -> None:
    """Time every command in interleaved rounds and print the medians."""
    old = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    timed = commands(old)
    spans: dict[str, list[float]] = {label: [] for label in timed}
    loads = [os.getloadavg()[0]]
    for _ in range(runs):
        for label, (argv, checkout) in timed.items():
            env = {**os.environ, **ENV, "PYTHONPATH": str(checkout)}
            start = time.perf_counter()
            subprocess.run(argv, cwd=checkout, env=env, capture_output=True, check=True)
            spans[label].append(time.perf_counter() - start)
        loads.append(os.getloadavg()[0])
    print(f"median of {runs} interleaved rounds; load average {min(loads):.1f} to {max(loads):.1f}")
    for label, measured in spans.items():
        print(f"  {label}: {statistics.median(measured):.3f} s")


if __name__ == "__main__":
    main()
