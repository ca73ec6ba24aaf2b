"""`publish` reads each brief it builds once: the catalogue entry and the landing page come
from what the build read (Outcome.prepared), not from reading the brief again."""

from briefkit import publish as publishing
from briefkit import reading
from briefkit.build import Options


def test_publish_reads_each_built_brief_once(make_brief, tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFKIT_CACHE_DIR", "")
    folders = [make_brief(name="one"), make_brief(name="two")]
    for number, folder in enumerate(folders):
        yaml = folder / "brief.yaml"
        yaml.write_text(yaml.read_text().replace("title: ", f"title: Part {number} ", 1))
    reads = []
    load = reading.load
    monkeypatch.setattr(reading, "load", lambda folder, *args: reads.append(folder.name) or load(folder, *args))
    entries, built = publishing.publish(folders, tmp_path / "site", Options())
    assert sorted(reads) == sorted(folder.name for folder in folders)  # one read a brief
    assert len(entries) == len(built) == 2
    assert all((tmp_path / "site" / f"{entry.slug}.html").is_file() for entry in entries)
