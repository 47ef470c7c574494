"""COPY family: text copied from another project or unit, or written for another activity.

Copied text usually means a table was filled from another project's (or another unit's) and
not rewritten: a goal or result identical or nearly identical to another project's (COPY-001)
or to another unit's anywhere in the portal (COPY-002); an indicator that speaks of another
activity than its project's (COPY-003); a result that only restates its goal (COPY-004).
Short stock phrases (“按时完成”) are not counted. Source: 财预〔2020〕10号 — goals, indicators
and results are set and reported for each project.

Near-identical means a Jaccard similarity of at least ``NEAR`` between the sets of character
``SHINGLE``-grams of the two texts with punctuation and spaces removed. Across the portal the
texts are compared through MinHash signatures (``fingerprints``, computed per document where
the document is checked) joined by locality-sensitive hashing (``portal_copies``); a bucket
crowded with variants of one stock phrase is not searched for pairs, so the join grows with the
number of texts, not their pairs.
"""
from __future__ import annotations

import dataclasses
import hashlib
import operator
import re
import struct
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from ..model.documents import Evaluation
from ..model.portal import LoadedDocument
from ..model.source import DataPath
from .context import Reporter, evaluations
from .findings import Finding

MIN_LENGTH = 15          # characters (punctuation removed) for a project's own texts
PORTAL_MIN_LENGTH = 20   # across units, where stock phrases recur more
NEAR = 0.85
SHINGLE = 3
HASHES = 32              # MinHash values per text (two 64-byte BLAKE2b digests per shingle)
BANDS = 8                # LSH bands of HASHES // BANDS values: pairs at J ≥ 0.85 share a band with p > 0.99
CROWDED = 32             # distinct signatures in a band bucket beyond which it is a stock phrase's (portal_copies)
SIGNATURE = struct.Struct(f"<{HASHES}I")  # a signature as bytes, as the copy index stores it
FIELDS = {"target": "绩效目标", "result": "实际完成情况"}
_PUNCTUATION = re.compile(r"[\s\u3000-\u303f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65!-/:-@\[-`{-~“”‘’、…—·]")
# A result that says its goal was met, and nothing else, differs from it by these words.
_RESULT_WORDS = re.compile(r"完成了|完成|已经|已|了|实现|达到|确保|保障|年度总体目标|总体目标|年度目标")


def normal(text: str | None) -> str:
    """The text without spaces and punctuation, for comparison."""
    return _PUNCTUATION.sub("", text or "")


def shingles(text: str) -> frozenset[str]:
    """Character ``SHINGLE``-grams of a normalised text (the text itself when shorter)."""
    if len(text) <= SHINGLE:
        return frozenset((text,))
    return frozenset(text[i:i + SHINGLE] for i in range(len(text) - SHINGLE + 1))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two shingle sets, 0–1."""
    return len(a & b) / len(a | b) if a or b else 1.0


def _excerpt(text: str, n: int = 24) -> str:
    return text[:n] + ("…" if len(text) > n else "")


@dataclass(frozen=True)
class _Text:
    path: DataPath
    project: str
    field: str
    text: str
    shingles: frozenset[str]


def _goal_texts(doc: LoadedDocument) -> Iterator[_Text]:
    for i, project in enumerate(getattr(doc.model, "projects", [])):
        for j, goal in enumerate(project.goals):
            for field in FIELDS:
                text = normal(getattr(goal, field))
                yield _Text(("projects", i, "goals", j, field), project.name, field, text, shingles(text))


def check(doc: LoadedDocument, report: Reporter) -> None:
    _copied_between_projects(doc, report)
    _result_restates_goal(doc, report)
    for path, evaluation in evaluations(doc):
        _off_topic(evaluation, path, report)


def _copied_between_projects(doc: LoadedDocument, report: Reporter) -> None:
    seen: list[_Text] = []
    for item in _goal_texts(doc):
        if len(item.text) < MIN_LENGTH:
            continue
        first = next((s for s in seen if s.field == item.field and s.project != item.project
                      and (s.text == item.text or similarity(s.shingles, item.shingles) >= NEAR)), None)
        seen.append(item)
        if first is None:
            continue
        how = "逐字相同" if first.text == item.text else f"几乎相同（相似度 {similarity(first.shingles, item.shingles):.0%}）"
        report.add("COPY-001", item.path, declared=item.project, computed=first.project, difference="",
                   message=f"“{item.project}”的{FIELDS[item.field]}与“{first.project}”{how}（“{_excerpt(item.text)}”）。")


def _result_restates_goal(doc: LoadedDocument, report: Reporter) -> None:
    for path, evaluation in evaluations(doc):
        for j, goal in enumerate(evaluation.goals):
            target, result = normal(goal.target), normal(goal.result)
            if len(target) < MIN_LENGTH or not result:
                continue
            bare_target, bare_result = _RESULT_WORDS.sub("", target), _RESULT_WORDS.sub("", result)
            a, b = shingles(bare_target), shingles(bare_result)
            # Nearly the same, or the one inside the other with a word or two added (专项).
            inside = len(a & b) / min(len(a), len(b)) if a and b else 0.0
            similar_length = max(len(bare_target), len(bare_result)) <= 1.2 * min(len(bare_target), len(bare_result))
            if bare_target != bare_result and similarity(a, b) < NEAR and not (inside >= NEAR and similar_length):
                continue
            how = "逐字相同" if target == result else "几乎相同"
            report.add("COPY-004", (*path, "goals", j, "result"), declared=_excerpt(result), computed="本年实际完成的工作和达到的程度",
                       difference="", message=f"“{evaluation.name}”的实际完成情况与绩效目标{how}"
                                              f"（“{_excerpt(result)}”），没有写出实际完成了什么。")


# ------------------------------------------------------------------ off-topic indicators

# Activities a 政法/部门 project's indicator can drift into when copied from another field's
# indicator library, each with the words that name it. An indicator naming one of them is
# off-topic unless its project's name or goals name the same activity.
ACTIVITIES: dict[str, tuple[str, ...]] = {
    "文化演出": ("展演", "展映", "展播", "电影", "放映", "文艺演出", "精神文化", "文化活动"),
    "报刊发行": ("报刊", "杂志", "报刊杂志", "读者", "读者群", "续订"),
    "道路运输": ("两客一危", "运输企业", "道路运输", "客运", "货运"),
    "环境监测": ("辐射", "环境监测", "国控", "监测项目", "污染源"),
    "公共卫生": ("公共卫生", "卫生服务", "疫苗", "诊疗"),
    "学术研究": ("学术", "智库", "新型智库", "学术交流", "科研"),
    "网络场所": ("上网场所", "主页", "点击量", "网吧"),
    "检察监督": ("检察建议", "被执行人"),
    "社会保险": ("社会保险", "社保", "社会保险补贴"),
    "学员培训": ("培训班", "学员", "受训学员"),
    "统计资料": ("统计资料",),
    "社会救助": ("受助人员", "受助", "应补助人群", "补助人群"),
    "体育赛事": ("体育", "赛事", "健身"),
    "旅游": ("旅游", "游客", "景区"),
    "农业生产": ("农作物", "种植", "养殖", "耕地"),
}
_MARKERS = {word: activity for activity, words in ACTIVITIES.items() for word in words}
_ANY_MARKER = re.compile("|".join(map(re.escape, sorted(_MARKERS, key=len, reverse=True))))
# Words an activity's projects use of themselves: a project about training names 培训.
ANCHORS: dict[str, tuple[str, ...]] = {"学员培训": ("培训", "研修", "轮训"), "公共卫生": ("卫生", "医疗", "医院"),
                                       "检察监督": ("检察", "执行"), "文化演出": ("文化", "演出"),
                                       "社会救助": ("救助", "补助", "资助", "帮扶", "慰问")}


@lru_cache(maxsize=1)
def _segmenter():
    """jieba, loaded once per process, taught the activity words so they stay whole."""
    import jieba

    jieba.setLogLevel(60)
    for word in _MARKERS:
        jieba.add_word(word, freq=20000)
    return jieba


def words(text: str) -> set[str]:
    """Words of ``text`` as jieba cuts it (precise mode), without single characters."""
    return {w for w in _segmenter().lcut(text or "") if len(w) > 1}


def _off_topic(evaluation: Evaluation, path: DataPath, report: Reporter) -> None:
    texts = [" ".join(t for t in (ind.name, ind.description) if t) for ind in evaluation.indicators]
    # Segmenting is the costly part: only indicators holding an activity word as a substring
    # are cut into words (jieba then decides whether it is a word there).
    suspects = [i for i, text in enumerate(texts) if _ANY_MARKER.search(text)]
    if not suspects:
        return
    context_text = " ".join([evaluation.name, *(g.target or "" for g in evaluation.goals), *(g.result or "" for g in evaluation.goals)])
    context = words(context_text)
    named = {_MARKERS[w] for w in context if w in _MARKERS}
    for activity, anchors in ANCHORS.items():
        if any(anchor in context_text for anchor in anchors):
            named.add(activity)
    for i in suspects:
        indicator, text = evaluation.indicators[i], texts[i]
        alien = sorted({w for w in words(text) if w in _MARKERS and _MARKERS[w] not in named})
        if not alien:
            continue
        activity = _MARKERS[alien[0]]
        where = "description" if indicator.description and any(w in indicator.description for w in alien) else "name"
        report.add("COPY-003", (*path, "indicators", i, where), declared="、".join(alien), computed=f"与“{evaluation.name}”相关的内容",
                   difference="", message=f"“{evaluation.name}”的指标“{indicator.name or indicator.level2}”写的是"
                                          f"{'、'.join(f'“{w}”' for w in alien)}（{activity}），项目名称和绩效目标都没有涉及，"
                                          f"多半是从其他项目照抄的指标。")


# ------------------------------------------------------------------ across the portal


@dataclass(frozen=True)
class Fingerprint:
    """One goal or result text of a document, as the portal-wide join needs it: ``at``, the
    COPY-002 finding it would be (unit, document, data path, file, line, column, project; its
    ``declared`` the project's name), the ``field`` (target or result), an ``excerpt`` and its
    MinHash ``signature`` (``HASHES`` 32-bit values)."""

    at: Finding
    field: str
    excerpt: str
    signature: tuple[int, ...]


def minhash(grams: Iterable[str]) -> tuple[int, ...]:
    """``HASHES`` minimum hash values over the shingles: each shingle's two 64-byte BLAKE2b
    digests (keyed 0 and 1) read as 32 independent 32-bit hashes."""
    rows = [_hashes(g.encode("utf-8")) for g in grams]
    return tuple(min(column) for column in zip(*rows))


def _hashes(data: bytes) -> tuple[int, ...]:
    return (struct.unpack("<16I", hashlib.blake2b(data, digest_size=64, key=b"0").digest())
            + struct.unpack("<16I", hashlib.blake2b(data, digest_size=64, key=b"1").digest()))


def fingerprints(doc: LoadedDocument) -> list[Fingerprint]:
    """The goal and result texts of ``doc`` long enough to compare across units."""
    report = Reporter(doc)
    out: list[Fingerprint] = []
    for item in _goal_texts(doc):
        if len(item.text) < PORTAL_MIN_LENGTH:
            continue
        report.add("COPY-002", item.path, declared=item.project, computed="", difference="", message="")
        out.append(Fingerprint(report.findings[-1], item.field, _excerpt(item.text), minhash(item.shingles)))
    return out


def _agreement(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Estimated Jaccard similarity: the share of equal MinHash values."""
    return sum(map(operator.eq, a, b)) / len(a)


def portal_copies(prints: Iterable[Fingerprint]) -> list[Finding]:
    """COPY-002 findings: each text identical or near-identical to an earlier text of another
    unit (by unit id, then year, document and path) is reported once, against the earliest.

    Identical signatures are grouped first, so a text copied into a thousand units costs no
    more than one. Distinct signatures sharing a band ``bucket`` that holds at most
    ``CROWDED`` of them are candidates; a pair counts when the signatures agree on at least
    ``NEAR`` of their values. A crowded bucket is a stock phrase varied across the portal, not
    a copy: comparing its signatures pairwise is what made the join grow with the square of
    the portal (a 4,000-document synthetic portal: 260,840 candidate pairs, its largest
    bucket 282 signatures). Texts of the same unit are never compared (a self-evaluation
    repeats its budget's goals)."""
    ordered, matched = join(prints)
    return [copy_finding(ordered[n], ordered[m], score) for n, (m, score) in sorted(matched.items())]


def join(prints: Iterable[Fingerprint]) -> tuple[list[Fingerprint], dict[int, tuple[int, float]]]:
    """The join of ``portal_copies``, in memory: the texts in ``order`` and each copy matched
    to the earliest text it copies (index → (index, estimated similarity))."""
    ordered = sorted(prints, key=order)
    groups: dict[tuple, list[int]] = defaultdict(list)
    for n, fp in enumerate(ordered):
        groups[(fp.field, fp.signature)].append(n)
    keys = list(groups)  # in order of first occurrence
    # Per group, its first text and the first text of another unit than that one.
    heads: list[tuple[int, int | None]] = []
    for key in keys:
        members = groups[key]
        first = members[0]
        other = next((m for m in members if ordered[m].at.unit_id != ordered[first].at.unit_id), None)
        heads.append((first, other))
    buckets: dict[int, list[int]] = defaultdict(list)
    for g, (field, signature) in enumerate(keys):
        packed = SIGNATURE.pack(*signature)
        for band in range(BANDS):
            buckets[bucket(field, band, packed)].append(g)
    similar: dict[int, dict[int, float]] = defaultdict(dict)
    for members in buckets.values():
        if len(members) > CROWDED:
            continue
        for i, g in enumerate(members):
            for h in members[:i]:
                if h not in similar[g]:
                    score = _agreement(keys[g][1], keys[h][1])
                    if score >= NEAR:
                        similar[g][h] = similar[h][g] = score

    def earliest(n: int, g: int) -> int | None:
        first, other = heads[g]
        unit = ordered[n].at.unit_id
        m = first if ordered[first].at.unit_id != unit else other
        return m if m is not None and m < n else None

    matched: dict[int, tuple[int, float]] = {}
    for g, key in enumerate(keys):
        for n in groups[key]:
            options = [(m, 1.0) for m in (earliest(n, g),) if m is not None]
            options += [(m, score) for h, score in similar[g].items() if (m := earliest(n, h)) is not None]
            if options:
                matched[n] = min(options)
    return ordered, matched


def bucket(field: str, band: int, signature: bytes) -> int:
    """A band's bucket as a signed 64-bit number: a hash of the field, the band and its values
    (``signature`` packed as ``SIGNATURE``). A collision only adds a candidate (or crowds a
    bucket, as likely as any two of 2⁶⁴ values meeting): two signatures agreeing on ``NEAR`` of
    their ``HASHES`` values differ in at most four, so they share at least four bands exactly;
    any other pair fails the agreement."""
    width = HASHES // BANDS * 4  # bytes of a band's values
    data = field.encode("utf-8") + bytes((0, band)) + signature[band * width:(band + 1) * width]
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little", signed=True)


def order(fp: Fingerprint) -> tuple:
    """The order in which texts are taken across the portal: unit id, year, document, path."""
    return (fp.at.unit_id, fp.at.year, fp.at.document, fp.at.path)


def copy_finding(fp: Fingerprint, first: Fingerprint, score: float) -> Finding:
    """The COPY-002 finding of ``fp``, a copy of the earlier text ``first`` of another unit;
    ``score`` is their estimated similarity (1 for identical signatures)."""
    how = "逐字相同" if score == 1 else f"几乎相同（估计相似度 {score:.0%}）"
    return dataclasses.replace(
        fp.at, computed=f"{first.at.unit_id} {first.at.year}“{first.at.declared}”",
        message=f"“{fp.at.declared}”的{FIELDS[fp.field]}与单位 {first.at.unit_id} {first.at.year} 年“{first.at.declared}”的"
                f"{FIELDS[first.field]}{how}（“{fp.excerpt}”）。")
