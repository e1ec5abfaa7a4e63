"""python -m bench reports|import|rotation [options]: see bench/__init__.py and README
"Benchmarks". Sets Django up (config.settings) and runs the chosen benchmark."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from bench import BenchError

# name on the command line -> module with add_arguments(parser) and run(**options)
BENCHMARKS = {
    "reports": "bench.reports",
    "import": "bench.importing",
    "rotation": "bench.rotation",
}


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Run one benchmark against its same-run baseline."
    )
    chosen = parser.add_subparsers(dest="benchmark", required=True, metavar="BENCHMARK")
    for name, module_name in BENCHMARKS.items():
        module = importlib.import_module(module_name)
        sub = chosen.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    options = vars(parser.parse_args(argv))
    options.pop("benchmark")
    run = options.pop("run")
    try:
        run(**options)
    except BenchError as error:
        print(f"Benchmark failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
