"""app-deploy and app-deploy-rollback against a werkzeug API that streams like the real one."""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
import threading
from pathlib import Path

import pytest
from werkzeug.wrappers import Response

from slipway.cli.http import Client

BUILD = ["---> Building image", "    Step 1/5 : FROM registry/slipway/platform-python", ""]
STARTED = ["---> Starting 1 web unit", "OK"]


@pytest.fixture
def app_dir(home) -> Path:
    """The working directory (``workdir``), holding a small app."""
    workdir = Path.cwd()
    (workdir / "app.py").write_text("print('hi')\n")
    (workdir / "Procfile").write_text("web: python app.py\n")
    (workdir / "run.sh").write_text("#!/bin/sh\n")
    (workdir / "run.sh").chmod(0o755)
    (workdir / ".git").mkdir()
    (workdir / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (workdir / ".slipwayignore").write_text("*.log\n")
    (workdir / "debug.log").write_text("noise\n")
    return workdir


def uploaded(stream_api) -> dict[str, tarfile.TarInfo]:
    data = stream_api.last().files["file"]
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        return {member.name: member for member in tar.getmembers()}


def test_deploy_uploads_the_directory_and_streams_until_ok(cli, stream_api, app_dir):
    stream_api.plain("POST", "/apps/blog/deploy", [*BUILD, *STARTED])
    result = cli("app-deploy", "-a", "blog")
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith("Uploading 4 files (")
    assert result.out.splitlines()[1:] == [
        "---> Building image",
        "    Step 1/5 : FROM registry/slipway/platform-python",
        "",
        "---> Starting 1 web unit",
        "OK",
    ]
    seen = stream_api.last()
    assert seen.headers["Authorization"] == "bearer tok-456"
    assert seen.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert seen.form == {"origin": ["app-deploy"]}
    assert sorted(uploaded(stream_api)) == [".slipwayignore", "Procfile", "app.py", "run.sh"]
    assert uploaded(stream_api)["run.sh"].mode & 0o777 == 0o755


def test_deploy_failure_exits_1_with_the_error_line(cli, stream_api, app_dir):
    stream_api.plain(
        "POST", "/apps/blog/deploy", [*BUILD, "ERROR: the build failed: exit status 1"]
    )
    result = cli("app-deploy", "-a", "blog")
    assert result.code == 1
    assert result.err == "Error: the build failed: exit status 1\n"
    assert "ERROR" not in result.out
    assert result.out.splitlines()[-1] == ""


def test_deploy_stream_that_stops_without_ok_fails(cli, stream_api, app_dir):
    stream_api.plain("POST", "/apps/blog/deploy", BUILD[:2])
    result = cli("app-deploy", "-a", "blog")
    assert result.code == 1
    assert result.err == (
        "Error: the operation did not finish: the API's answer ended without OK or ERROR\n"
    )


def test_deploy_refused_before_streaming_is_one_json_error_line(cli, stream_api, app_dir):
    stream_api.json(
        "POST", "/apps/blog/deploy", 503, {"error": "no docker nodes registered:\nadd one"}
    )
    result = cli("app-deploy", "-a", "blog")
    assert (result.code, result.err) == (1, "Error: no docker nodes registered: add one\n")


def test_deploy_json_output(cli, stream_api, app_dir):
    stream_api.plain("POST", "/apps/blog/deploy", ["---> Building image", "OK"])
    result = cli("app-deploy", "-a", "blog", "--json")
    assert json.loads(result.out) == {
        "message": "OK",
        "app": "blog",
        "messages": ["---> Building image\n"],
    }


def test_deploy_files_and_directories_by_name(cli, stream_api, app_dir):
    (app_dir / "static").mkdir()
    (app_dir / "static" / "site.css").write_text("body {}\n")
    stream_api.plain("POST", "/apps/blog/deploy", ["OK"])
    assert cli("app-deploy", "-a", "blog", "Procfile", "static").code == 0
    assert sorted(uploaded(stream_api)) == ["Procfile", "static", "static/site.css"]


def test_deploy_an_image(cli, stream_api, home):
    stream_api.plain("POST", "/apps/blog/deploy", ["---> Pulling", "OK"])
    result = cli("app-deploy", "-a", "blog", "-i", "registry.example.com/blog:1.2")
    assert (result.code, result.out) == (0, "---> Pulling\nOK\n")
    assert stream_api.last().form == {
        "image": ["registry.example.com/blog:1.2"],
        "origin": ["image"],
    }
    assert stream_api.last().files == {}


def test_deploy_takes_files_or_an_image_not_both(cli, stream_api, app_dir):
    result = cli("app-deploy", "-a", "blog", "-i", "img", ".")
    assert (result.code, result.err) == (
        2,
        "Error: app-deploy takes files or -i/--image, not both\n",
    )
    assert stream_api.seen == []


def test_deploy_local_errors_come_before_any_request(cli, stream_api, app_dir):
    result = cli("app-deploy", "-a", "blog", "missing-dir")
    assert (result.code, result.err) == (
        1,
        "Error: cannot deploy missing-dir: no such file or directory\n",
    )
    (app_dir / "empty").mkdir()
    result = cli("app-deploy", "-a", "blog", "empty")
    assert result.code == 1
    assert result.err.startswith("Error: nothing to deploy: no files in empty")
    assert stream_api.seen == []


def test_deploy_warns_about_links_that_leave_the_directory(cli, stream_api, app_dir):
    (app_dir / "passwd").symlink_to("/etc/passwd")
    stream_api.plain("POST", "/apps/blog/deploy", ["OK"])
    result = cli("app-deploy", "-a", "blog")
    assert result.code == 0
    assert result.err == (
        "Warning: left out symbolic links that point outside the directory: passwd\n"
    )
    assert "passwd" not in uploaded(stream_api)


def test_deploy_guesses_the_app_from_the_git_remote(cli, stream_api, app_dir):
    subprocess.run(["git", "init", "-q"], check=True)
    subprocess.run(["git", "remote", "add", "slipway", "git@git.example.com:shop.git"], check=True)
    stream_api.plain("POST", "/apps/shop/deploy", ["OK"])
    assert cli("app-deploy").code == 0
    assert stream_api.last().path == "/apps/shop/deploy"
    assert ".git" not in {name.split("/")[0] for name in uploaded(stream_api)}


def test_lines_are_shown_as_they_arrive(stream_api):
    """The client yields a line before the server has sent the next one."""
    gate = threading.Event()
    waited: list[bool] = []

    def slow(_request):
        def generate():
            yield b"---> Building image\n"
            waited.append(gate.wait(10))
            yield b"OK\n"

        return Response(generate(), mimetype="text/plain", direct_passthrough=True)

    stream_api.on("POST", "/apps/blog/deploy", slow)
    messages = Client(stream_api.url, "tok").stream("POST", "/apps/blog/deploy", form={})
    assert next(messages) == "---> Building image\n"
    gate.set()
    assert list(messages) == []
    assert waited == [True]


@pytest.mark.parametrize(
    ("argv", "form", "question"),
    [
        (["-v", "3"], {"version": ["3"]}, "version 3"),
        (["--version", "v12"], {"version": ["12"]}, "version 12"),
        (
            ["registry/app-blog:v2"],
            {"image": ["registry/app-blog:v2"]},
            'image "registry/app-blog:v2"',
        ),
    ],
)
def test_rollback(cli, stream_api, home, argv, form, question):
    stream_api.plain("POST", "/apps/blog/deploy/rollback", ["---> Starting 2 units", "OK"])
    result = cli("app-deploy-rollback", "-a", "blog", *argv, stdin="y\n", tty=True)
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        f'Are you sure you want to roll app "blog" back to {question}? (y/n) '
        "---> Starting 2 units\nOK\n"
    )
    assert stream_api.last().form == form


def test_rollback_needs_confirmation_or_y(cli, stream_api, home):
    result = cli("app-deploy-rollback", "-a", "blog", "-v", "3")
    assert result.code == 1
    assert result.err.startswith('Error: refusing to roll app "blog" back to version 3 without')
    assert stream_api.seen == []
    stream_api.plain("POST", "/apps/blog/deploy/rollback", ["ERROR: version 3 is not kept"])
    result = cli("app-deploy-rollback", "-a", "blog", "-v", "3", "-y")
    assert (result.code, result.err) == (1, "Error: version 3 is not kept\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "Error: app-deploy-rollback takes -v/--version N or an image name\n"),
        (["-v", "2", "img"], "Error: app-deploy-rollback takes -v/--version N or an image name\n"),
        (["-v", "zero"], "Error: argument -v/--version: 'zero' is not a release number"),
        (["-v", "0"], "Error: argument -v/--version: '0' is not a release number"),
    ],
)
def test_rollback_usage_errors(cli, stream_api, home, argv, message):
    result = cli("app-deploy-rollback", "-a", "blog", "-y", *argv)
    assert result.code == 2
    assert result.err.startswith(message)
    assert stream_api.seen == []
