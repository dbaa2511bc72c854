"""Questions asked of the tables: pure functions of a :class:`viz.data.Dataset`.

Maps, charts, explorers and the lessons all ask the same few questions (which
class a drug belongs to, which family a class is in, when a concept first
appears, what a story step adds); they are answered here, once. Nothing here
draws, reads files or writes them.

The class hierarchy (therapy classes, in our tables) is read from the data: the
datapackage's ``site.classes`` names the category of the classes, the relation that
sorts them into a hierarchy, the category of their members and the relations
that say what a member acts on (:func:`hierarchy`). Without it there is no hierarchy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

__all__ = [
    "class_members",
    "event_concepts",
    "events_about",
    "first_years",
    "hierarchy",
    "label",
    "modality_ancestors",
    "modality_families",
    "narrower",
    "related_modalities",
    "story_table",
    "therapy_tree",
]


def hierarchy(ds) -> dict:
    """The ids of the class hierarchy: ``category``, ``relation``, ``members`` and ``member_links``.

    From the datapackage's ``site.classes``; every value is ``None`` (no links) when
    the tables declare no hierarchy.

    Examples
    --------
    >>> from viz import data, queries
    >>> queries.hierarchy(data.load())["relation"]
    'is_a'
    """
    classes = getattr(ds, "site", {}).get("classes") or {}
    return {
        "category": classes.get("category"),
        "relation": classes.get("relation"),
        "members": classes.get("members"),
        "member_links": list(classes.get("member_links") or []),
    }


def label(ds, cid: str) -> str:
    """The label of a concept (its id if the tables have no such concept).

    Examples
    --------
    >>> from viz import data, queries
    >>> queries.label(data.load(), "pd1")
    'PD-1'
    """
    return str(ds.concepts["label"].get(cid, cid))


def first_years(ds) -> dict[str, int]:
    """Year of the earliest dated event that names each concept (as a concept or modality).

    Examples
    --------
    >>> from viz import data, queries
    >>> queries.first_years(data.load())["ipilimumab"]  # irRC, proposed from its trials in 2009
    2009
    """
    years: dict[str, int] = {}
    for named, modality, year in zip(ds.events["concepts"], ds.events["modality"], ds.events["year"], strict=True):
        ids = [*named, modality] if isinstance(modality, str) else named
        for cid in ids:
            years[cid] = min(years.get(cid, int(year)), int(year))
    return years


def event_concepts(ds) -> dict[str, list[str]]:
    """``{event id: the concepts it is about}``: the concepts it names, then its modality, each once.

    Examples
    --------
    >>> from viz import data, queries
    >>> queries.event_concepts(data.load())["fda-pembrolizumab-2014"][:2]
    ['pembrolizumab', 'pd1']
    """
    about: dict[str, list[str]] = {}
    for eid, named, modality in zip(ds.events["id"], ds.events["concepts"], ds.events["modality"], strict=True):
        ids = [*named, modality] if isinstance(modality, str) else list(named)
        about[str(eid)] = list(dict.fromkeys(ids))
    return about


def narrower(ds) -> dict[str, set[str]]:
    """``{concept: every concept below it}``: what *is a* kind of it, directly or through others.

    Read from the relation that sorts classes (``site.classes.relation``, see :func:`hierarchy`), in
    every category: under a therapy class
    come its narrower classes and their products (PD-1 inhibitors: pembrolizumab,
    nivolumab, ...), under a side effect its kinds. Concepts with nothing below
    them are left out.

    Examples
    --------
    >>> from viz import data, queries
    >>> below = queries.narrower(data.load())
    >>> {"pd1_inhibitor", "pembrolizumab"} <= below["checkpoint_inhibitor"]
    True
    """
    rel, is_a = ds.relations, hierarchy(ds)["relation"]
    children: dict[str, set[str]] = {}
    for a, kind, b in zip(rel["from"], rel["relation"].astype(str), rel["to"], strict=True):
        if kind == is_a and a != b:
            children.setdefault(b, set()).add(a)
    below: dict[str, set[str]] = {}
    for top in children:
        seen: set[str] = set()
        todo = list(children[top])
        while todo:
            c = todo.pop()
            if c not in seen and c != top:
                seen.add(c)
                todo.extend(children.get(c, ()))
        below[top] = seen
    return below


def events_about(ds) -> dict[str, list[str]]:
    """``{concept: ids of the events about it or about anything below it}``, oldest first.

    An event is about the concepts it names and its modality
    (:func:`event_concepts`); a class also gets the events of everything that is a
    kind of it (:func:`narrower`), so the PD-1 inhibitors get the approvals of
    each PD-1 antibody. Concepts without such an event are left out.

    Examples
    --------
    >>> from viz import data, queries
    >>> about = queries.events_about(data.load())
    >>> about["pd1_inhibitor"][0], "fda-pembrolizumab-2014" in about["pd1_inhibitor"]
    ('pd1-discovered', True)
    """
    ev = ds.events.sort_values(["start", "end", "id"])
    named = event_concepts(ds)
    below = narrower(ds)
    direct: dict[str, list[str]] = {}
    for eid in ev["id"]:
        for cid in named[str(eid)]:
            direct.setdefault(cid, []).append(str(eid))
    about: dict[str, list[str]] = {}
    order = {str(e): i for i, e in enumerate(ev["id"])}
    for cid in sorted({*direct, *below}):
        ids = {e for c in (cid, *below.get(cid, ())) for e in direct.get(c, ())}
        if ids:
            about[cid] = sorted(ids, key=order.__getitem__)
    return about


def _modality_parents(ds) -> dict[str, list[str]]:
    """``{class: its direct parents among classes}``, parents in table order."""
    h = hierarchy(ds)
    mods = set(ds.concepts.index[ds.concepts["category"].astype(str) == h["category"]]) if h["category"] else set()
    parents: dict[str, list[str]] = {m: [] for m in sorted(mods)}
    rel = ds.relations
    for a, kind, b in zip(rel["from"], rel["relation"].astype(str), rel["to"], strict=True):
        if kind == h["relation"] and a in mods and b in mods and b not in parents[a]:
            parents[a].append(b)
    return parents


def modality_ancestors(ds) -> dict[str, set[str]]:
    """``{modality: every broader modality above it}`` (its is_a ancestors)."""
    parents = _modality_parents(ds)
    ancestors: dict[str, set[str]] = {}
    for m in parents:
        seen: set[str] = set()
        todo = list(parents[m])
        while todo:
            p = todo.pop()
            if p not in seen:
                seen.add(p)
                todo.extend(parents.get(p, ()))
        ancestors[m] = seen
    return ancestors


def _root(ds) -> str | None:
    """The top of the therapy hierarchy: the modality without a parent that has the most classes below it."""
    ancestors = modality_ancestors(ds)
    below = {m: sum(m in a for a in ancestors.values()) for m in ancestors}
    roots = [m for m, a in ancestors.items() if not a and below[m]]
    return max(sorted(roots), key=lambda m: below[m]) if roots else None


def modality_families(ds) -> dict[str, str]:
    """Map every modality to its family: the class two levels below the top of the hierarchy.

    In our tables the top is cancer immunotherapy, the next level active and
    passive immunotherapy, and a family is a class just below those, such as
    ``pd1_inhibitor -> checkpoint_inhibitor`` and ``car_t -> adoptive_cell_therapy``.
    A modality outside the hierarchy, or too near its top, is its own family.

    Examples
    --------
    >>> from viz import data, queries
    >>> queries.modality_families(data.load())["pd1_inhibitor"]
    'checkpoint_inhibitor'
    """
    parents = _modality_parents(ds)
    top = _root(ds)
    families = {}
    for m in parents:
        chain = [m]
        while parents.get(chain[-1]) and parents[chain[-1]][0] not in chain:
            chain.append(parents[chain[-1]][0])
        families[m] = chain[-3] if top is not None and chain[-1] == top and len(chain) >= 3 else m
    return families


def related_modalities(ds, therapy: str) -> set[str]:
    """A therapy class with its ancestors and descendants: PD-1 inhibitors also get what checkpoint inhibitors get."""
    anc = modality_ancestors(ds)
    down = {m for m, parents in anc.items() if therapy in parents}
    return {therapy} | anc.get(therapy, set()) | down


def therapy_tree(ds) -> dict[str, dict[str, list[str]]]:
    """The therapy classes as the tables sort them: ``{family: {class: [its narrower classes]}}``, as labels.

    Families are the classes directly under the top of the hierarchy (active and
    passive immunotherapy in our tables); each class lists every narrower class
    below it, at any depth.

    Examples
    --------
    >>> from viz import data, queries
    >>> sorted(queries.therapy_tree(data.load()))
    ['Active immunotherapy', 'Passive immunotherapy']
    """
    anc = modality_ancestors(ds)
    children: dict[str, set[str]] = {m: set() for m in anc}
    for m, parents in _modality_parents(ds).items():
        for p in parents:
            children[p].add(m)

    def by_label(ids: Iterable[str]) -> list[str]:
        return sorted(ids, key=lambda c: (label(ds, c).lower(), c))

    top = _root(ds)
    tree: dict[str, dict[str, list[str]]] = {}
    for family in by_label(children.get(top, ()) if top else ()):
        tree[label(ds, family)] = {
            label(ds, c): [label(ds, d) for d in by_label(m for m, p in anc.items() if c in p)]
            for c in by_label(children[family])
        }
    return tree


def class_members(ds, classes: Sequence[str], *, category: str | None = None) -> pd.DataFrame:
    """The products of some therapy classes, one row each, oldest approval first within a class.

    Columns: ``class`` and ``class_label``; ``id`` and ``label`` of the product;
    ``targets`` (labels of what it *targets* or *blocks*); ``first_approval``
    (year of the earliest approval event that names it, or missing). Products
    are the concepts of ``category`` (the hierarchy's member category unless given)
    linked to the class by the hierarchy relation; what they target are the concepts
    their member links (:func:`hierarchy`) point at.

    Examples
    --------
    >>> from viz import data, queries
    >>> drugs = queries.class_members(data.load(), ["ctla4_inhibitor"])
    >>> drugs.iloc[0]["label"], int(drugs.iloc[0]["first_approval"])
    ('Ipilimumab', 2011)
    """
    h = hierarchy(ds)
    category = category or h["members"]
    rel = ds.relations
    kinds = rel["relation"].astype(str)
    approvals = ds.events[ds.events["kind"].astype(str) == "approval"]
    first: dict[str, int] = {}
    for year, named in zip(approvals["year"], approvals["concepts"], strict=True):
        for cid in named:
            first[cid] = min(first.get(cid, int(year)), int(year))
    rows = []
    for cls in classes:
        members = [m for m in rel.loc[(kinds == h["relation"]) & (rel["to"] == cls), "from"]]
        members = [m for m in members if str(ds.concepts.at[m, "category"]) == category]
        members.sort(key=lambda m: (first.get(m, 10_000), label(ds, m).lower(), m))
        for m in members:
            hits = rel.loc[kinds.isin(h["member_links"]) & (rel["from"] == m), "to"]
            rows.append(
                {
                    "class": cls,
                    "class_label": label(ds, cls),
                    "id": m,
                    "label": label(ds, m),
                    "targets": sorted({label(ds, t) for t in hits}, key=str.lower),
                    "first_approval": first.get(m),
                }
            )
    frame = pd.DataFrame(rows, columns=["class", "class_label", "id", "label", "targets", "first_approval"])
    frame["first_approval"] = frame["first_approval"].astype("Int64")
    return frame


def story_table(ds, view: str) -> pd.DataFrame:
    """The story of a map, one row per step: ``step``, ``caption``, ``concepts`` (ids) and ``labels``.

    The concepts of a step are those that appear at that step, in the order of
    their category in the legend, then by label.

    Examples
    --------
    >>> from viz import data, queries
    >>> story = queries.story_table(data.load(), "three_es")
    >>> list(story["step"][:3])
    [1, 2, 3]
    """
    if view not in ds.views.index:
        raise KeyError(f"no view {view!r}; the views are {', '.join(ds.views['id'])}")
    steps = ds.steps[ds.steps["view"] == view].sort_values("step")
    members = ds.view_concepts[ds.view_concepts["view"] == view]
    cats = ds.concepts["category"]
    order = {c: i for i, c in enumerate(cats.cat.categories)}
    rows = []
    for step, caption in zip(steps["step"], steps["caption"], strict=True):
        ids = list(members.loc[members["step"] == step, "concept"])
        ids.sort(key=lambda c: (order[str(cats[c])], label(ds, c).lower(), c))
        rows.append({"step": int(step), "caption": caption, "concepts": ids, "labels": [label(ds, c) for c in ids]})
    return pd.DataFrame(rows, columns=["step", "caption", "concepts", "labels"])
