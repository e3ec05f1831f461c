"""node-add, node-list, node-remove: against the scripted API, then end to end.

The end-to-end test runs the commands against a real API process (``live_api``)
that reaches the host's real Docker engine through a loopback TCP port
(tests/unit/docker_engine.py); it skips, saying why, without an engine.
"""

from __future__ import annotations

import json

import pytest

from ..docker_engine import EngineProxy, docker_socket_or_skip, refused_port

NODE = {
    "id": "10.0.0.5:2376",
    "address": "https://10.0.0.5:2376",
    "pool": "main",
    "status": "ready",
    "version": "20.10.24+dfsg1",
    "api_version": "1.41",
    "error": "",
    "added": "2026-11-22T05:00:00+00:00",
}


def test_node_add_sends_the_address_and_pool(cli, fake_api, logged_in):
    fake_api.reply("POST", "/docker/node", 201, NODE)
    result = cli("node-add", "https://10.0.0.5:2376", "--pool", "main")
    assert (
        result.out == 'Node "https://10.0.0.5:2376" successfully added (Docker 20.10.24+dfsg1).\n'
    )
    assert fake_api.last().body == {"address": "https://10.0.0.5:2376", "pool": "main"}
    cli("node-add", "https://10.0.0.5:2376")
    assert fake_api.last().body == {"address": "https://10.0.0.5:2376"}


def test_node_add_reports_the_refusal(cli, fake_api, logged_in):
    message = "Docker node https://10.0.0.5:2376 is unreachable: cannot connect (refused)."
    fake_api.reply("POST", "/docker/node", 400, {"error": message})
    result = cli("node-add", "https://10.0.0.5:2376")
    assert (result.code, result.out, result.err) == (1, "", f"Error: {message}\n")


def test_node_list_is_a_table(cli, fake_api, logged_in):
    down = dict(
        NODE,
        id="10.0.0.6:2376",
        address="https://10.0.0.6:2376",
        pool=None,
        status="unreachable",
        error="refused",
    )
    fake_api.reply("GET", "/docker/node", 200, [down, NODE])
    assert cli("node-list").out == (
        "+-----------------------+------+----------------------+----------------+\n"
        "| Address               | Pool | Status               | Docker         |\n"
        "+-----------------------+------+----------------------+----------------+\n"
        "| https://10.0.0.5:2376 | main | ready                | 20.10.24+dfsg1 |\n"
        "| https://10.0.0.6:2376 |      | unreachable: refused | 20.10.24+dfsg1 |\n"
        "+-----------------------+------+----------------------+----------------+\n"
    )
    assert json.loads(cli("node-list", "--json").out) == [down, NODE]


def test_node_remove_asks_first_and_takes_an_address_or_id(cli, fake_api, logged_in):
    # The id goes as one quoted path segment (":" as %3A); the API decodes it.
    path = "/docker/node/10.0.0.5%3A2376"
    fake_api.reply("DELETE", path, 200, {"message": "removed"})
    refused = cli("node-remove", "https://10.0.0.5:2376", stdin="n\n", tty=True)
    assert refused.err == 'Error: aborted: did not remove node "https://10.0.0.5:2376"\n'
    assert fake_api.requests == []
    done = cli("node-remove", "https://10.0.0.5:2376", stdin="y\n", tty=True)
    assert done.out.endswith('Node "https://10.0.0.5:2376" successfully removed!\n')
    assert fake_api.last().path == path
    assert cli("node-remove", "10.0.0.5:2376", "-y").code == 0
    assert fake_api.last().path == path


@pytest.fixture
def live_admin(home, live_api):
    directory = home / ".slipway"
    directory.mkdir(mode=0o700)
    (directory / "targets").write_text(f"live\t{live_api.url}\n")
    (directory / "target").write_text(f"{live_api.url}\n")
    (directory / "token").write_text(f"{live_api.admin_token}\n")
    return live_api


def test_nodes_end_to_end_with_a_real_engine(cli, live_admin):
    proxy = EngineProxy(docker_socket_or_skip())
    try:
        address = f"tcp://{proxy.netloc}"
        added = cli("node-add", address, "--pool", "e2e")
        assert added.code == 0, added.err
        assert added.out.startswith(f'Node "http://{proxy.netloc}" successfully added (Docker ')

        again = cli("node-add", address)
        assert again.err == f"Error: Docker node {proxy.netloc} already exists.\n"

        [node] = [n for n in json.loads(cli("node-list", "--json").out) if n["pool"] == "e2e"]
        assert (node["id"], node["status"]) == (proxy.netloc, "ready")
        assert f"| http://{proxy.netloc} | e2e  | ready " in cli("node-list").out

        removed = cli("node-remove", f"http://{proxy.netloc}", "-y")
        assert removed.code == 0, removed.err
        assert all(n["id"] != proxy.netloc for n in json.loads(cli("node-list", "--json").out))
    finally:
        proxy.close()

    refused = cli("node-add", f"tcp://127.0.0.1:{refused_port()}")
    assert refused.code == 1
    assert "is unreachable: cannot connect" in refused.err
