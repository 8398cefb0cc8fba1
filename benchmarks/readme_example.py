"""Runs the README's first example as a new user would, and times it.

The example (the first ``python`` block of README.md) runs in a fresh Python
process, so that its time includes importing scikit-learn, Keras and TensorFlow
and tracing the compiled training loops, as it does for a user who pastes it.
Prints the machine and versions, the example's output, and its wall time, over
``--repeats`` runs (3 by default).

Run: ``.venv/bin/python benchmarks/readme_example.py`` (about half a minute).
"""

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _shared import print_environment

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_example():
    """The source of the first ``python`` code block of README.md."""
    return re.search(r"```python\n(.*?)```", README.read_text(), re.DOTALL).group(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print_environment()
    code = readme_example()
    seconds = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        seconds.append(time.perf_counter() - start)
    print("\nThe example's output (last run):\n")
    print(run.stdout)
    if run.stderr.strip():
        print("Its stderr (warnings):\n")
        print(run.stderr)
    print(
        f"wall time, fresh process, {args.repeats} runs: median {statistics.median(seconds):.1f} s"
        f" (min {min(seconds):.1f} s, max {max(seconds):.1f} s)"
    )


if __name__ == "__main__":
    main()
