"""The datapackage's ``site`` section: the site's wording, its class hierarchy and which topic checks run.

:func:`site_settings` reads it with the defaults filled in; :func:`topic_checks` says which
of :data:`~viz.data.topic.TOPIC_CHECKS` run; :func:`check_site` reports what is wrong with it,
like the problems of the tables.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from viz import DISCLAIMER
from viz.data.problems import Problem, Report, clip, display
from viz.data.topic import TOPIC_CHECKS

__all__ = ["SITE_KEYS", "check_site", "site_settings", "topic_checks"]

#: The keys of the datapackage's ``site`` section, and what each must be (see data/README.md).
SITE_KEYS = {
    "subtitle": "a sentence shown under the title of the site index",
    "disclaimer": "the notice on every page (default: 'Educational material, not medical advice.')",
    "searchExample": "a concept label the search boxes offer as an example",
    "classes": "the class hierarchy: {category, relation, members, memberLinks}",
    "checks": "the checks of our topic that run, each true or false: {" + ", ".join(TOPIC_CHECKS) + "}",
}
CLASS_KEYS = {
    "category": "categories",
    "relation": "relation_types",
    "members": "categories",
    "memberLinks": "relation_types",
}
#: The longest site texts (the subtitle and the disclaimer are shown on every page).
MAX_SITE_CHARS = 300


def site_settings(descriptor: dict) -> dict:
    """The site's wording and class hierarchy from a datapackage descriptor, with the defaults filled in.

    Keys: ``title`` (the package's ``title``, else its ``name``, else "immunoviz"),
    ``subtitle``, ``disclaimer`` (:data:`viz.DISCLAIMER` unless the data says otherwise),
    ``search_example`` and ``classes`` (``None``, or the ids of the class category, the
    hierarchy relation, the member category and the member links).

    Examples
    --------
    >>> from viz import data
    >>> data.site_settings({"title": "The water cycle"})["disclaimer"]
    'Educational material, not medical advice.'
    """
    site = _site(descriptor)
    classes = site.get("classes") if isinstance(site.get("classes"), dict) else None
    return {
        "title": str(descriptor.get("title") or descriptor.get("name") or "immunoviz"),
        "subtitle": str(site.get("subtitle", "")),
        "disclaimer": str(site.get("disclaimer") or DISCLAIMER),
        "search_example": str(site.get("searchExample", "")),
        "classes": None
        if classes is None
        else {
            "category": classes.get("category"),
            "relation": classes.get("relation"),
            "members": classes.get("members"),
            "member_links": list(classes.get("memberLinks", [])),
        },
    }


def topic_checks(descriptor: dict) -> list[str]:
    """The names of the topic checks that run: every one that ``site.checks`` does not set to ``false``.

    Examples
    --------
    >>> from viz import data
    >>> data.topic_checks({"site": {"checks": {"sourceKinds": False}}})
    ['regulators', 'sourceHosts']
    """
    checks = _site(descriptor).get("checks")
    off = {name for name, on in checks.items() if on is False} if isinstance(checks, dict) else set()
    return [name for name in TOPIC_CHECKS if name not in off]


def _site(descriptor: dict) -> dict:
    return descriptor.get("site") if isinstance(descriptor.get("site"), dict) else {}


def check_site(report: Report, descriptor: dict) -> None:
    """The datapackage's ``site`` section: known keys, text where text belongs, ids that exist."""
    where = display(report.root / "datapackage.json")
    site = descriptor.get("site", {})
    if not isinstance(site, dict):
        report.problems.append(
            Problem(where, message="'site' is not a section of keys", hint='write "site": {"subtitle": "…"}')
        )
        return
    for key, value in site.items():
        if key not in SITE_KEYS:
            _unknown(report, where, f"site.{key}", "key", SITE_KEYS)
        elif key == "classes":
            _check_classes(report, where, value)
        elif key == "checks":
            _check_checks(report, where, value)
        elif not isinstance(value, str) or (key == "disclaimer" and not value.strip()):
            report.problems.append(
                Problem(where, message=f"site.{key}: must be text", hint=f"{key} is {SITE_KEYS[key]}")
            )
        elif len(value) > MAX_SITE_CHARS:
            report.problems.append(
                Problem(
                    where,
                    message=f"site.{key}: text is {len(value):,} characters long; the limit is {MAX_SITE_CHARS}",
                    hint="shorten it",
                )
            )


def _check_classes(report: Report, where: str, value: object) -> None:
    if not isinstance(value, dict):
        report.problems.append(
            Problem(where, message="site.classes: must be a section of keys", hint=SITE_KEYS["classes"])
        )
        return
    ids = {name: set(values) for name, values in report.ids.items()}
    for key, table in CLASS_KEYS.items():
        given = value.get(key)
        wanted = [given] if key != "memberLinks" else given
        if given is None and key != "category":
            continue
        if not isinstance(wanted, list) or not all(isinstance(v, str) for v in wanted):
            report.problems.append(
                Problem(
                    where,
                    message=f"site.classes.{key}: must be "
                    + ("a list of ids" if key == "memberLinks" else "an id")
                    + f" in {table}.csv",
                )
            )
            continue
        for v in wanted:
            if table in ids and v not in ids[table]:
                report.problems.append(
                    Problem(
                        where,
                        message=f"site.classes.{key}: '{clip(v)}' is not an id in {table}.csv",
                        hint=report.suggest(table, v),
                    )
                )
    for key in value:
        if key not in CLASS_KEYS:
            _unknown(report, where, f"site.classes.{key}", "key", CLASS_KEYS)


def _check_checks(report: Report, where: str, value: object) -> None:
    if not isinstance(value, dict):
        report.problems.append(
            Problem(where, message="site.checks: must be a section of keys", hint=SITE_KEYS["checks"])
        )
        return
    for key, on in value.items():
        if key not in TOPIC_CHECKS:
            _unknown(report, where, f"site.checks.{key}", "check", TOPIC_CHECKS)
        elif not isinstance(on, bool):
            report.problems.append(
                Problem(where, message=f"site.checks.{key}: must be true or false", hint=TOPIC_CHECKS[key].asks)
            )


def _unknown(report: Report, where: str, name: str, noun: str, known: Iterable[str]) -> None:
    """``name`` is not one of the ``known`` keys: the closest one, or all of them, as the hint."""
    close = difflib.get_close_matches(name.rsplit(".", 1)[-1], list(known), n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"the {noun}s are: " + ", ".join(known)
    report.problems.append(Problem(where, message=f"{name}: unknown {noun}", hint=hint))
