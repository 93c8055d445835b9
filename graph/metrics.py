"""The research graph slice as plain data: who and what is near a researcher, and why.

Pure: takes the neighbourhood as rows (graph.services reads them from the database) and returns
nodes, edges and a summary as JSON-ready lists and dicts. networkx objects never leave this
module.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

# A work with more authors than this (a physics collaboration) adds no pairwise coauthor
# links: 3,000 authors would make 4.5 million pairs and say little about any two of them.
MAX_BYLINE = 100
MAX_COLLABORATORS = 30
MAX_WORKS = 25
MAX_ADJACENT = 15
MAX_TOPICS = 12
MAX_INSTITUTIONS = 10
# Close collaborators: at least two shared works, and a strength (each shared work adds
# 1 / (authors - 1), halved for every five years before the researcher's latest work) of
# at least this much.
CLOSE_MIN_SHARED = 2
CLOSE_MIN_STRENGTH = 0.5
RECENCY_HALF_LIFE = 5


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    url: str
    institution_id: int | None = None
    institution: str = ""


@dataclass(frozen=True)
class WorkRow:
    id: int
    title: str
    year: int | None
    authors_count: int
    url: str


@dataclass
class Neighbourhood:
    me: Person
    works: list[WorkRow]
    bylines: list[tuple[int, int]]  # (work id, coauthor id), works of at most MAX_BYLINE
    people: dict[int, Person]
    topics: list[tuple[int, int, str]]  # (work id, topic id, topic name)
    adjacent: list[tuple[WorkRow, int, int]] = field(default_factory=list)  # (work, by, topic)
    capped_works: int = 0


def recency(year: int | None, latest: int) -> float:
    if year is None:
        return 0.5
    weight: float = 0.5 ** (max(0, latest - year) / RECENCY_HALF_LIFE)
    return weight


@dataclass(frozen=True)
class Tie:
    person: Person
    shared: int
    first: int | None
    last: int | None
    strength: float

    @property
    def why(self) -> str:
        papers = f"co-authored {self.shared} paper{'s' if self.shared != 1 else ''}"
        if self.first and self.last:
            span = str(self.first) if self.first == self.last else f"{self.first}–{self.last}"
            return f"{papers} ({span})"
        return papers


def ties(hood: Neighbourhood) -> list[Tie]:
    """Every coauthor's tie to the researcher, strongest first."""
    works = {w.id: w for w in hood.works}
    latest = max((w.year for w in hood.works if w.year), default=0)
    shared: dict[int, list[WorkRow]] = defaultdict(list)
    for work_id, person_id in hood.bylines:
        if person_id != hood.me.id and work_id in works:
            shared[person_id].append(works[work_id])
    result = []
    for person_id, items in shared.items():
        years = [w.year for w in items if w.year]
        strength = sum(recency(w.year, latest) / max(1, w.authors_count - 1) for w in items)
        result.append(
            Tie(
                person=hood.people[person_id],
                shared=len(items),
                first=min(years, default=None),
                last=max(years, default=None),
                strength=round(strength, 4),
            )
        )
    return sorted(result, key=lambda t: (-t.strength, -t.shared, t.person.name, t.person.id))


def close_collaborators(all_ties: list[Tie]) -> list[Tie]:
    return [
        t for t in all_ties if t.shared >= CLOSE_MIN_SHARED and t.strength >= CLOSE_MIN_STRENGTH
    ]


def build(hood: Neighbourhood) -> dict[str, Any]:
    """The slice: {"nodes": [...], "edges": [...], "summary": {...}}."""
    all_ties = ties(hood)
    close = close_collaborators(all_ties)
    chosen = all_ties[:MAX_COLLABORATORS]
    chosen_ids = {t.person.id for t in chosen}

    topic_names = {topic_id: name for _, topic_id, name in hood.topics}
    topic_counts = Counter(topic_id for _, topic_id, _ in hood.topics)
    top_topics = sorted(topic_counts, key=lambda t: (-topic_counts[t], topic_names[t]))[:MAX_TOPICS]
    works = sorted(hood.works, key=lambda w: (-(w.year or 0), w.title, w.id))[:MAX_WORKS]
    work_ids = {w.id for w in works}

    graph = nx.Graph()
    me = f"r:{hood.me.id}"
    graph.add_node(me, kind="researcher", label=hood.me.name, url=hood.me.url)
    for tie in chosen:
        node = f"r:{tie.person.id}"
        graph.add_node(node, kind="collaborator", label=tie.person.name, url=tie.person.url)
        graph.add_edge(me, node, kind="coauthor", weight=tie.strength, why=tie.why)
    _add_works(graph, me, works, hood, chosen_ids)
    _add_topics(graph, me, hood, top_topics, topic_names, topic_counts, work_ids)
    _add_coauthor_links(graph, hood, chosen_ids, work_ids)
    _add_institutions(graph, hood, chosen)
    _add_adjacent(graph, hood, chosen_ids, set(top_topics), topic_names)

    importance = nx.pagerank(graph, weight="weight") if graph.number_of_edges() else {me: 1.0}
    communities = _communities(graph)
    nodes = [
        {
            "id": node,
            "kind": data["kind"],
            "label": data["label"],
            "url": data.get("url", ""),
            "importance": round(importance.get(node, 0.0), 5),
            "community": communities.get(node, 0),
        }
        for node, data in graph.nodes(data=True)
    ]
    nodes.sort(key=lambda n: (n["kind"] != "researcher", -n["importance"], n["id"]))
    labels = dict(graph.nodes(data="label"))
    edges = [
        {
            "source": a,
            "target": b,
            "kind": d["kind"],
            "weight": d["weight"],
            "why": d["why"],
            "source_label": labels[a],
            "target_label": labels[b],
        }
        for a, b, d in graph.edges(data=True)
    ]
    edges.sort(key=lambda e: (e["source"], e["target"]))
    return {
        "nodes": nodes,
        "edges": edges,
        "summary": _summary(hood, close, top_topics, topic_names, topic_counts, graph, communities),
    }


def _add_works(
    graph: nx.Graph, me: str, works: list[WorkRow], hood: Neighbourhood, chosen_ids: set[int]
) -> None:
    on_work: dict[int, list[int]] = defaultdict(list)
    for work_id, person_id in hood.bylines:
        on_work[work_id].append(person_id)
    for work in works:
        node = f"w:{work.id}"
        graph.add_node(node, kind="work", label=work.title, url=work.url, year=work.year)
        graph.add_edge(me, node, kind="authored", weight=1.0, why="author of this work")
        for person_id in on_work.get(work.id, []):
            if person_id in chosen_ids:
                graph.add_edge(f"r:{person_id}", node, kind="authored", weight=1.0, why="co-author")


def _add_topics(
    graph: nx.Graph,
    me: str,
    hood: Neighbourhood,
    top_topics: list[int],
    names: dict[int, str],
    counts: Counter[int],
    work_ids: set[int],
) -> None:
    total = sum(counts.values()) or 1
    for topic_id in top_topics:
        node = f"t:{topic_id}"
        graph.add_node(node, kind="topic", label=names[topic_id])
        n = counts[topic_id]
        graph.add_edge(
            me,
            node,
            kind="topic",
            weight=round(n / total, 4),
            why=f"works on {names[topic_id]} ({n} work{'s' if n != 1 else ''})",
        )
    for work_id, topic_id, name in hood.topics:
        if work_id in work_ids and topic_id in top_topics:
            graph.add_edge(
                f"w:{work_id}", f"t:{topic_id}", kind="topic", weight=0.5, why=f"about {name}"
            )


def _add_coauthor_links(
    graph: nx.Graph, hood: Neighbourhood, chosen_ids: set[int], work_ids: set[int]
) -> None:
    """Chosen collaborators who wrote together, counted over the researcher's works."""
    bylines: dict[int, list[int]] = defaultdict(list)
    for work_id, person_id in hood.bylines:
        if person_id in chosen_ids:
            bylines[work_id].append(person_id)
    together: Counter[tuple[int, int]] = Counter()
    for people in bylines.values():
        people = sorted(set(people))
        for i, a in enumerate(people):
            for b in people[i + 1 :]:
                together[(a, b)] += 1
    for (a, b), n in together.items():
        graph.add_edge(
            f"r:{a}",
            f"r:{b}",
            kind="coauthor",
            weight=float(n),
            why=f"co-authored {n} paper{'s' if n != 1 else ''} together",
        )


def _add_institutions(graph: nx.Graph, hood: Neighbourhood, chosen: list[Tie]) -> None:
    people = [hood.me, *(t.person for t in chosen)]
    counts = Counter(p.institution_id for p in people if p.institution_id)
    top = sorted(counts, key=lambda i: (-counts[i], i))[:MAX_INSTITUTIONS]
    names = {p.institution_id: p.institution for p in people if p.institution_id}
    for institution_id in top:
        graph.add_node(f"i:{institution_id}", kind="institution", label=names[institution_id])
    for person in people:
        if person.institution_id in top:
            kind_why = (
                "affiliated with"
                if person is hood.me
                else "same institution"
                if (person.institution_id == hood.me.institution_id)
                else "affiliated with"
            )
            graph.add_edge(
                f"r:{person.id}",
                f"i:{person.institution_id}",
                kind="institution",
                weight=1.0,
                why=kind_why,
            )


def _add_adjacent(
    graph: nx.Graph,
    hood: Neighbourhood,
    chosen_ids: set[int],
    top_topics: set[int],
    names: dict[int, str],
) -> None:
    """Recent works by collaborators on the researcher's topics, that the researcher is not
    an author of."""
    mine = {w.id for w in hood.works}
    added = 0
    for work, person_id, topic_id in hood.adjacent:
        if added >= MAX_ADJACENT:
            break
        if work.id in mine or person_id not in chosen_ids or topic_id not in top_topics:
            continue
        node = f"w:{work.id}"
        if node not in graph:
            graph.add_node(node, kind="work", label=work.title, url=work.url, year=work.year)
            added += 1
        graph.add_edge(
            f"r:{person_id}",
            node,
            kind="adjacent",
            weight=0.5,
            why="recent work by this collaborator",
        )
        graph.add_edge(
            node,
            f"t:{topic_id}",
            kind="topic",
            weight=0.5,
            why=f"shares the topic {names[topic_id]}",
        )


def _communities(graph: nx.Graph) -> dict[str, int]:
    if graph.number_of_edges() == 0:
        return {}
    groups = nx.community.greedy_modularity_communities(graph, weight="weight")
    ordered = sorted((sorted(g) for g in groups), key=lambda g: (-len(g), g[0]))
    return {node: index for index, group in enumerate(ordered) for node in group}


def _summary(
    hood: Neighbourhood,
    close: list[Tie],
    top_topics: list[int],
    names: dict[int, str],
    counts: Counter[int],
    graph: nx.Graph,
    communities: dict[str, int],
) -> dict[str, Any]:
    topic_groups: dict[int, list[str]] = defaultdict(list)
    for topic_id in top_topics:
        topic_groups[communities.get(f"t:{topic_id}", 0)].append(names[topic_id])
    institutions = [
        {"name": data["label"], "people": graph.degree(node)}
        for node, data in graph.nodes(data=True)
        if data["kind"] == "institution"
    ]
    return {
        "close_collaborators": [
            {
                "name": t.person.name,
                "url": t.person.url,
                "shared": t.shared,
                "strength": t.strength,
                "why": t.why,
            }
            for t in close
        ],
        "close_count": len(close),
        "topics": [{"name": names[t], "works": counts[t]} for t in top_topics],
        "topic_communities": [sorted(g) for _, g in sorted(topic_groups.items())],
        "institutions": sorted(institutions, key=lambda i: (-i["people"], i["name"])),
        "capped_works": hood.capped_works,
        "max_byline": MAX_BYLINE,
        "counts": dict(Counter(data["kind"] for _, data in graph.nodes(data=True))),
    }
