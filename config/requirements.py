"""Print the dependencies of pyproject.toml for `pip install -r`: the runtime ones, plus the
optional groups named on the command line (`make` installs `dev`).

The project is an application, not a library: it is run from its checkout, so only its
dependencies are installed, not the project itself.
"""

import sys
import tomllib
from pathlib import Path

project = tomllib.loads(
    Path(__file__).resolve().parent.parent.joinpath("pyproject.toml").read_text()
)["project"]
groups = sys.argv[1:]
requirements = list(project["dependencies"])
for group in groups:
    requirements += project["optional-dependencies"][group]
print("\n".join(requirements))
