"""The hipache role's contract: defaults, argument specs, README, templates."""

from __future__ import annotations

import re

import harness
import yaml

ROLE = harness.ROLE


def _defaults() -> dict:
    return yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())


def _options() -> dict:
    specs = yaml.safe_load((ROLE / "meta" / "argument_specs.yml").read_text())
    return specs["argument_specs"]["main"]["options"]


def test_argument_specs_match_defaults():
    defaults, options = _defaults(), _options()
    assert sorted(defaults) == sorted(options)
    for name, value in defaults.items():
        assert options[name]["default"] == value, name
        assert options[name]["description"], name


def test_public_variables_are_prefixed_and_internal_ones_underscored():
    assert all(name.startswith("hipache_") for name in _defaults())
    internal = yaml.safe_load((ROLE / "vars" / "main.yml").read_text())
    assert all(name.startswith("_hipache_") for name in internal)


def test_readme_documents_every_variable():
    readme = (ROLE / "README.md").read_text()
    missing = [name for name in _defaults() if f"`{name}`" not in readme]
    assert not missing


def test_templates_render_with_the_defaults():
    variables = harness.role_vars()
    variables["hipache_redis_password"] = 'a"b\\c\nd'
    lua = harness.render("config.lua.j2", variables)
    assert 'redis_password = "a\\"b\\\\c\\nd",' in lua
    conf = harness.render("router.conf.j2", variables)
    assert "listen 0.0.0.0:80 default_server;" in conf
    assert "proxy_next_upstream_tries 4;" in conf
    # keepalive must follow balancer_by_lua in the upstream block
    upstream = re.search(r"upstream hipache_backends \{.*?\n\}", conf, re.S).group(0)
    assert upstream.index("balancer_by_lua_block") < upstream.index("keepalive ")
    variables["hipache_listen_address"] = "::"
    assert "listen [::]:80 default_server;" in harness.render("router.conf.j2", variables)
    main = harness.render("nginx.conf.j2", variables)
    assert "include /etc/nginx/hipache/router.conf;" in main
