"""The benchmarks, kept out of the product's management commands: `make bench` runs them, or

    python -m bench reports  [--petitions N] [--preset 2025-Y] [--runs 5] [--regenerate] [--explain]
    python -m bench import   [--rows 10000] [--format csv|xlsx] [--keep] [--through-services]
                             [--baseline-rows N]
    python -m bench rotation [--identities 100000] [--batch-size 1000]

Each prints its measurement and the ratio against a baseline measured in the same run. Not a
Django app (no models, no commands): `bench/__main__.py` sets Django up and runs one of them.
"""


class BenchError(Exception):
    """A benchmark cannot run or found something wrong: the runner prints it and exits 1."""
