"""The web UI's files kept in memory (`sitrep.api.static.KeptFiles`): the same answers as the
files on disk, a changed file served as changed, 304 and ranges as before, nothing outside the
directory."""
import os

from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from sitrep.api.static import KeptFiles


def _client(root, **kw):
    files = KeptFiles(directory=root, **kw)
    return files, TestClient(Starlette(routes=[Mount("/static", app=files)]))


def test_a_file_is_kept_and_answered_as_on_disk(tmp_path):
    (tmp_path / "app.js").write_text("console.log('one');\n")
    files, client = _client(tmp_path)
    first = client.get("/static/app.js")
    assert first.status_code == 200 and first.text == "console.log('one');\n"
    assert "app.js" in files.kept
    again = client.get("/static/app.js")
    assert again.status_code == 200 and again.content == first.content
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["etag"] == first.headers["etag"]
    assert int(again.headers["content-length"]) == len(first.content)


def test_a_changed_file_is_read_again(tmp_path):
    path = tmp_path / "style.css"
    path.write_text("body { color: red; }\n")
    _, client = _client(tmp_path)
    assert client.get("/static/style.css").text == "body { color: red; }\n"
    path.write_text("body { color: blue; margin: 0; }\n")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))   # a later time, whatever the clock
    assert client.get("/static/style.css").text == "body { color: blue; margin: 0; }\n"
    path.unlink()
    assert client.get("/static/style.css").status_code == 404


def test_conditional_and_range_requests_still_work(tmp_path):
    (tmp_path / "data.json").write_text('{"a": 1, "b": 2}')
    _, client = _client(tmp_path)
    etag = client.get("/static/data.json").headers["etag"]
    assert client.get("/static/data.json", headers={"if-none-match": etag}).status_code == 304
    part = client.get("/static/data.json", headers={"range": "bytes=0-3"})
    assert part.status_code == 206 and part.text == '{"a"'


def test_big_files_and_paths_outside_are_not_kept(tmp_path):
    root = tmp_path / "web"
    root.mkdir()
    (root / "big.txt").write_text("x" * 5000)
    (tmp_path / "secret.txt").write_text("not for the web")
    files, client = _client(root, max_size=1000)
    assert client.get("/static/big.txt").text == "x" * 5000
    assert "big.txt" not in files.kept
    for path in ("/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/..%2fsecret.txt"):
        r = client.get(path)
        assert r.status_code == 404 and "not for the web" not in r.text
    assert not any("secret" in k for k in files.kept)
