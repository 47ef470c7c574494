"""COPY-002 kept between builds (``check/copyindex.py``): after every change to the portal, the
index's findings are those of ``copies.portal_copies`` over the same fingerprints, in its order."""
from __future__ import annotations

import dataclasses
import random
import re

import pytest

from sitegen.check import copies
from sitegen.check.copyindex import CopyIndex, sort_key
from sitegen.content import load_portal
from sitegen.synth import synthesize


def fresh(docs: dict) -> list:
    return copies.portal_copies([fp for _, prints in docs.values() for fp in prints])


def with_text(fp: copies.Fingerprint, text: str) -> copies.Fingerprint:
    """``fp`` as if its goal or result read ``text``."""
    text = copies.normal(text)
    return dataclasses.replace(fp, excerpt=copies._excerpt(text), signature=copies.minhash(copies.shingles(text)))


def moved(fp: copies.Fingerprint, **at) -> copies.Fingerprint:
    return dataclasses.replace(fp, at=dataclasses.replace(fp.at, **at))


@pytest.fixture(scope="module")
def corpus(portal, tmp_path_factory):
    """Every document of the real content and of a synthetic portal (with its planted copies):
    key → (version, fingerprints), and each text's words by (document key, path)."""
    root = tmp_path_factory.mktemp("synth")
    synthesize(root, units=5, years=2, seed=3)
    docs, texts = {}, {}
    for doc in [*portal.documents(), *load_portal(root / "content", strict=True).documents()]:
        docs[doc.key] = ("v0", copies.fingerprints(doc))
        texts.update(((doc.key, item.path), item.text) for item in copies._goal_texts(doc))
    return docs, texts


@pytest.mark.parametrize("crowded", [copies.CROWDED, 2])
def test_incremental_findings_equal_a_fresh_join_over_many_rebuilds(corpus, tmp_path, monkeypatch, crowded):
    """At the portal's limit and at a limit so low that buckets become crowded and stop being
    so at every round (their pairs dropped and found again)."""
    docs, texts = dict(corpus[0]), dict(corpus[1])
    usual, crowding = copies.CROWDED, 0  # rounds where the limit left out a near copy
    monkeypatch.setattr(copies, "CROWDED", crowded)
    rng = random.Random(16)
    index = CopyIndex(tmp_path / "copies.sqlite")
    assert index.update(docs) == fresh(docs) != []  # the synthetic plants are found
    # Told what can have changed, as the Builder tells it: every document of a unit that changed.
    hinted = CopyIndex(tmp_path / "hinted.sqlite")
    hinted.update(docs)
    before = dict(docs)
    removed: dict = {}
    seen = set()
    for round_ in range(1, 41):
        for _ in range(rng.randint(1, 3)):
            keys = sorted(docs)
            key = rng.choice(keys)
            version, prints = docs[key]
            prints = list(prints)
            change = rng.choice(["copy", "near", "rename", "shift", "remove", "restore", "new unit", "drop text", "stock phrase"])
            if change in ("copy", "near") and prints:
                # a text of another unit's document, word for word or with a character changed
                source_key = rng.choice([k for k in keys if k[0] != key[0] and docs[k][1]])
                source = rng.choice(docs[source_key][1])
                text = texts[(source_key, source.at.path)]
                if change == "near":
                    i = rng.randrange(len(text))
                    text = text[:i] + "改" + text[i + 1:]
                i = rng.randrange(len(prints))
                prints[i] = dataclasses.replace(with_text(prints[i], text), field=source.field)
                texts[(key, prints[i].at.path)] = text
            elif change == "stock phrase" and prints:  # one text varied a character at a time in other units
                text, field = texts[(key, prints[0].at.path)], prints[0].field
                for other in rng.sample([k for k in keys if k[0] != key[0] and docs[k][1]], 3):
                    theirs = list(docs[other][1])
                    i, j = rng.randrange(len(theirs)), rng.randrange(len(text))
                    theirs[i] = dataclasses.replace(with_text(theirs[i], text[:j] + "另" + text[j + 1:]), field=field)
                    texts[(other, theirs[i].at.path)] = text[:j] + "另" + text[j + 1:]
                    docs[other] = (f"v{round_}", theirs)
            elif change == "rename" and prints:  # a project's name: the messages quoting it change
                i = rng.randrange(len(prints))
                prints[i] = moved(prints[i], declared=prints[i].at.declared + "（调整）")
            elif change == "shift":  # lines moved by an edit above the goals
                prints = [moved(fp, line=fp.at.line + 1) for fp in prints]
            elif change == "drop text" and prints:
                prints.pop(rng.randrange(len(prints)))
            elif change == "remove":
                removed[key] = docs.pop(key)
                continue
            elif change == "restore" and removed:
                back = rng.choice(sorted(removed))
                docs[back] = removed.pop(back)
                continue
            elif change == "new unit":  # a unit that copied a whole document of another
                unit = f"{key[0]}-copy{round_}"
                docs[(unit, key[1], key[2])] = (f"v{round_}", [moved(fp, unit_id=unit) for fp in prints])
                texts.update((((unit, key[1], key[2]), fp.at.path), texts[(key, fp.at.path)]) for fp in prints)
                continue
            docs[key] = (f"v{round_}", prints)
        expected = fresh(docs)
        with monkeypatch.context() as at_usual:
            at_usual.setattr(copies, "CROWDED", usual)
            crowding += len(expected) < len(fresh(docs))
        assert index.update(docs) == expected, f"round {round_}"
        units = {key[0] for key in docs if before.get(key) != docs[key]} | {key[0] for key in before if key not in docs}
        changes = ([key for key in docs if key[0] in units], [key for key in before if key[0] in units])
        assert hinted.update(docs, changes) == expected, f"round {round_}, told what changed"
        before = dict(docs)
        assert CopyIndex(index.file).update(docs) == expected  # read back from the database alone
        seen.add(tuple(f.message for f in expected))
    assert len(seen) > 20  # the rounds changed the findings
    assert (crowding > 10) if crowded < usual else not crowding
    docs = {key: ("site.yaml edited", prints) for key, (_, prints) in docs.items()}  # every key changed: joined anew
    assert index.update(docs) == CopyIndex(index.file).update(docs) == fresh(docs)
    assert CopyIndex(tmp_path / "from-empty.sqlite").update(docs) == fresh(docs)


def test_removing_the_earliest_copy_moves_the_findings_to_the_next(corpus, tmp_path):
    docs = corpus[0]
    key = next(k for k, (_, prints) in sorted(docs.items()) if prints)
    fp = docs[key][1][0]
    copied = {(unit, 2023, "budget"): ("v", [moved(fp, unit_id=unit, year=2023, document="budget")]) for unit in ("a", "b", "c")}
    index = CopyIndex(tmp_path / "copies.sqlite")
    assert [(f.unit_id, f.computed) for f in index.update(copied)] == [("b", f"a 2023“{fp.at.declared}”"), ("c", f"a 2023“{fp.at.declared}”")]
    del copied[("a", 2023, "budget")]
    assert [(f.unit_id, f.computed) for f in index.update(copied)] == [("c", f"b 2023“{fp.at.declared}”")]
    assert index.update({}) == []


def test_a_damaged_or_foreign_database_is_replaced(corpus, tmp_path):
    docs = corpus[0]
    file = tmp_path / "copies.sqlite"
    file.write_bytes(b"not a database" * 100)
    assert CopyIndex(file).update(docs) == fresh(docs)
    import sqlite3
    with sqlite3.connect(file) as db:
        db.execute("PRAGMA user_version = 99")
    assert CopyIndex(file).update(docs) == fresh(docs)


def test_sort_keys_order_as_the_tuples_do():
    rng = random.Random(1)
    items = []
    for _ in range(300):
        unit = rng.choice(["a", "a-b", "ab", "b", "甲县", "a\x00", ""])
        path = ("projects", rng.randrange(12), "goals", rng.randrange(12), rng.choice(["target", "result"]))
        at = dataclasses.replace(_any_finding(), unit_id=unit, year=rng.choice([2021, 2023, 999]),
                                 document=rng.choice(["budget", "final_accounts"]), path=path)
        items.append(copies.Fingerprint(at, "target", "", ()))
    assert sorted(items, key=sort_key) == sorted(items, key=copies.order)


def _any_finding():
    from pathlib import Path

    from sitegen.check.findings import Finding
    return Finding("COPY-002", "warning", "u", 2023, "budget", (), Path("x.yaml"), 1, 1, "", "", "", "")


def test_the_builder_keeps_the_join_between_rebuilds(tmp_path, monkeypatch):
    """Through ``Builder``: edits, a removed and an added unit over several rebuilds (the CLI's
    new Builder each time, and one kept as the preview does); the findings joined are those
    of a fresh ``portal_copies`` over the content as it is."""
    import shutil

    import sitegen.builder
    from sitegen.check import portal_findings

    joined = []
    monkeypatch.setattr(sitegen.builder, "portal_findings",
                        lambda portal, copied: joined.append(list(copied)) or portal_findings(portal, copied=copied))
    synthesize(tmp_path, units=4, years=1, seed=5)
    content = tmp_path / "content"
    units = sorted(p for p in (content / "units").iterdir() if p.is_dir())
    kept = sitegen.builder.Builder(content, tmp_path / "preview", search=False, workers=1)

    def built_as_fresh() -> list:
        for builder in (sitegen.builder.Builder(content, tmp_path / "output", search=False, workers=1), kept):
            builder.build_all()
        docs = load_portal(content, strict=True).documents()
        expected = copies.portal_copies([fp for doc in docs for fp in copies.fingerprints(doc)])
        assert joined[-2] == joined[-1] == expected
        return expected

    first = built_as_fresh()
    target = sorted(units[2].glob("*/self-evaluation.yaml"))[0]
    goal = re.search(r"target: (.+)", sorted(units[1].glob("*/self-evaluation.yaml"))[0].read_text(encoding="utf-8")).group(1)
    text = target.read_text(encoding="utf-8")
    target.write_text(re.sub(r"target: .+", lambda _: f"target: {goal}", text, count=1), encoding="utf-8")
    copied = built_as_fresh()
    assert len(copied) == len(first) + 1
    shutil.move(units[1], tmp_path / "aside")  # the source unit: the copy is no longer one
    assert len(built_as_fresh()) < len(copied)
    shutil.copytree(units[2], content / "units" / "c0000-copy")  # a unit copying all of another's texts
    assert len(built_as_fresh()) > len(copied)
    shutil.move(tmp_path / "aside", units[1])
    target.write_text(text, encoding="utf-8")
    built_as_fresh()


def test_a_database_that_cannot_be_written_is_an_os_error(corpus, tmp_path):
    """As a full disk would be: the build reports the file and fails, without a traceback."""
    (tmp_path / "copies.sqlite").mkdir()
    with pytest.raises(OSError, match="copy check's database") as raised:
        CopyIndex(tmp_path / "copies.sqlite").update(corpus[0])
    assert raised.value.filename == str(tmp_path / "copies.sqlite")
