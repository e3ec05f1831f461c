#!/usr/bin/env bash
# ansible-test sanity for the slipway.paas collection, with the repository's venv.
#
#   tests/ansible/run_sanity.sh [extra ansible-test sanity arguments]
#
# ansible-test puts each sanity test in its own virtual environment and installs
# its pinned requirements there with pip (through the machine's pip settings, so
# from the package index pip is configured for). The one thing it would fetch
# from elsewhere is pip's bootstrap script (ci-files.testing.ansible.com, which
# these machines cannot reach): this script puts a stand-in into ansible-test's
# cache that installs pip from the Python's own ensurepip wheel and then runs the
# pip install ansible-test asked for. The environments are cached under
# ~/.ansible/test/venv, so only the first run installs anything.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${SLIPWAY_VENV:-$root/.venv}"
collection="$root/collections/ansible_collections/slipway/paas"
python_version="$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"

pip_version="$("$venv/bin/python" - <<'PY'
import re
from pathlib import Path

import ansible_test

source = Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py"
print(re.search(r"\bpip='([^']+)'", source.read_text()).group(1))
PY
)"
cache="$HOME/.ansible/test/cache"
shim="$cache/get_pip_${pip_version//./_}.py"
if [[ ! -f "$shim" ]] || ! grep -q "slipway stand-in 3" "$shim"; then
    mkdir -p "$cache"
    cat >"$shim" <<'PY'
"""slipway stand-in 3 for get-pip.py: pip from ensurepip, then the install asked for."""
import runpy
import subprocess
import sys

# In a child process: ensurepip turns pip's configuration off in its own process.
subprocess.check_call([sys.executable, "-m", "ensurepip"])
GET_PIP_ONLY = ("--no-setuptools", "--no-wheel")
sys.argv = ["pip", "install", *(arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY)]
runpy.run_module("pip", run_name="__main__", alter_sys=True)
PY
fi

cd "$collection"
# ansible-test writes its results under tests/output (ignored by git and ruff).
exec "$venv/bin/ansible-test" sanity --local --python "$python_version" --color no "$@"
