"""Synthetic OpenAlex data for benchmarks: realistic shapes, no real people.

Works per author and authors per work follow heavy-tailed distributions, as in real
bibliographies: most people have a few works and a few have hundreds; most works have two to
six authors and a few large collaborations have hundreds. Authors belong to communities, so
coauthors recur, and each community leans on a few topics and institutions. DOIs use the
10.5555 test prefix, so nothing here can be mistaken for a real work.
"""

import bisect
import gzip
import itertools
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass

from bzpeer.lib.identifiers import orcid_checksum_ok

_SYLLABLES = [
    "an",
    "bel",
    "cor",
    "da",
    "el",
    "fen",
    "gal",
    "hart",
    "in",
    "jo",
    "ka",
    "lin",
    "mar",
    "no",
    "ol",
    "pra",
    "quin",
    "ros",
    "sa",
    "tor",
    "ul",
    "ven",
    "wil",
    "xu",
    "ya",
    "zen",
    "ber",
    "chi",
    "dor",
    "ev",
    "fra",
    "gus",
    "hel",
    "ri",
    "lo",
    "mi",
    "na",
    "se",
    "ta",
    "vi",
]
_WORDS = [
    "learning",
    "network",
    "model",
    "protein",
    "quantum",
    "graph",
    "signal",
    "cell",
    "climate",
    "language",
    "robust",
    "inference",
    "dynamics",
    "structure",
    "optimal",
    "sparse",
    "neural",
    "imaging",
    "genome",
    "control",
    "energy",
    "materials",
    "policy",
    "evidence",
    "stochastic",
]
COMMUNITY_SIZE = 40
BIG_COLLABORATION_SHARE = 0.0005  # works with hundreds of authors


@dataclass
class Author:
    index: int
    name: str
    orcid: str | None
    community: int
    institution: int


def _name(rng: random.Random) -> str:
    def word(parts: int) -> str:
        return "".join(rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()

    return f"{word(rng.randint(1, 2))} {word(rng.randint(2, 3))}"


def _orcid(n: int) -> str:
    base = f"{(9_000_000_000_000_000 + n) % 10**15:015d}"
    for check in "0123456789X":
        if orcid_checksum_ok(base + check):
            digits = base + check
            return "-".join(digits[i : i + 4] for i in range(0, 16, 4))
    raise AssertionError("unreachable: one check character always fits")


def _authors(count: int, rng: random.Random) -> tuple[list[Author], list[float]]:
    authors = [
        Author(
            index=i,
            name=_name(rng),
            orcid=_orcid(i) if rng.random() < 0.4 else None,
            community=i // COMMUNITY_SIZE,
            institution=(i // COMMUNITY_SIZE) % max(1, count // 200 + 1),
        )
        for i in range(count)
    ]
    weights = [rng.paretovariate(1.2) for _ in authors]  # works per author: heavy tail
    return authors, weights


def _pick(rng: random.Random, cumulative: list[float], low: int = 0, high: int | None = None):
    """Index drawn by weight within [low, high) of a cumulative weight list."""
    high = len(cumulative) if high is None else high
    start = cumulative[low - 1] if low else 0.0
    target = start + rng.random() * (cumulative[high - 1] - start)
    return min(bisect.bisect_left(cumulative, target, low, high), high - 1)


def _authors_per_work(rng: random.Random) -> int:
    if rng.random() < BIG_COLLABORATION_SHARE:
        return rng.randint(200, 1500)
    return max(1, min(60, int(rng.lognormvariate(1.2, 0.6))))


def _abstract(rng: random.Random) -> dict[str, list[int]]:
    index: dict[str, list[int]] = {}
    for position in range(rng.randint(30, 120)):
        index.setdefault(rng.choice(_WORDS), []).append(position)
    return index


def works(count: int, author_count: int, seed: int = 1) -> Iterator[dict]:
    """``count`` OpenAlex Work objects over ``author_count`` synthetic authors."""
    rng = random.Random(seed)
    authors, weights = _authors(author_count, rng)
    cumulative = list(itertools.accumulate(weights))
    topics = [(f"T{90000 + t}", f"Synthetic topic {t}") for t in range(300)]
    for number in range(count):
        size = _authors_per_work(rng)
        lead = _pick(rng, cumulative)
        community = authors[lead].community
        low = community * COMMUNITY_SIZE
        high = min(author_count, low + COMMUNITY_SIZE)
        chosen = {lead}
        for _ in range(size * 3):
            if len(chosen) >= min(size, author_count):
                break
            local = rng.random() < 0.8 and high - low > 1
            chosen.add(_pick(rng, cumulative, low, high) if local else _pick(rng, cumulative))
        year = rng.randint(1995, 2025)
        topic_ids = {(community * 7 + k) % len(topics) for k in range(rng.randint(1, 3))}
        yield {
            "id": f"https://openalex.org/W{9_000_000_000 + number}",
            "doi": f"https://doi.org/10.5555/synthetic.{number}",
            "display_name": " ".join(
                rng.choice(_WORDS) for _ in range(rng.randint(4, 10))
            ).capitalize(),
            "publication_year": year,
            "publication_date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "type": "preprint" if rng.random() < 0.15 else "article",
            "primary_location": {
                "source": {
                    "id": f"https://openalex.org/S{80000 + community % 500}",
                    "display_name": f"Journal of Synthetic Studies {community % 500}",
                    "type": "journal",
                }
            },
            "authorships": [
                {
                    "author_position": "first" if i == 0 else "middle",
                    "author": {
                        "id": f"https://openalex.org/A{7_000_000_000 + a}",
                        "display_name": authors[a].name,
                        "orcid": f"https://orcid.org/{authors[a].orcid}"
                        if authors[a].orcid
                        else None,
                    },
                    "institutions": [
                        {
                            "id": f"https://openalex.org/I{60000 + authors[a].institution}",
                            "display_name": f"Synthetic University {authors[a].institution}",
                            "country_code": "GB",
                            "type": "education",
                        }
                    ],
                    "raw_author_name": authors[a].name,
                }
                for i, a in enumerate(sorted(chosen, key=lambda a: a != lead))
            ],
            "topics": [
                {"id": f"https://openalex.org/{topics[t][0]}", "display_name": topics[t][1]}
                for t in sorted(topic_ids)
            ],
            "abstract_inverted_index": _abstract(rng),
        }


def write(path, count: int, author_count: int, seed: int = 1, progress=None) -> int:
    """Write the works as gzipped JSON Lines; returns the number of authorships written."""
    authorships = 0
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=3) as handle:
        for number, work in enumerate(works(count, author_count, seed), start=1):
            authorships += len(work["authorships"])
            handle.write(json.dumps(work, separators=(",", ":")) + "\n")
            if progress and number % 10_000 == 0:
                progress(number, authorships)
    return authorships
