# Sourced by /opt/slipway/deploy in the app directory (python platform):
# requirements.txt into the venv; without one, a project that has
# pyproject.toml or setup.py is installed itself (editable).
pip=/home/application/venv/bin/pip

if [ -f requirements.txt ]; then
	echo "requirements.txt: pip install -r requirements.txt"
	"$pip" install --no-cache-dir --no-input -r requirements.txt \
		|| fail "requirements.txt: pip install failed (see pip's error above)"
elif [ -f pyproject.toml ] || [ -f setup.py ]; then
	echo "python project: pip install -e ."
	"$pip" install --no-cache-dir --no-input -e . \
		|| fail "pip install -e . failed (see pip's error above)"
fi
