"""A researcher as schema.org describes people (JSON-LD): what the profile page carries for
search engines, and what it answers to ``Accept: application/ld+json``."""

from typing import Any

from profiles.models import Researcher


def profile_page(researcher: Researcher, *, site_url: str) -> dict[str, Any]:
    url = f"{site_url}{researcher.get_absolute_url()}"
    same_as = []
    if researcher.orcid:
        same_as.append(f"https://orcid.org/{researcher.orcid}")
    if researcher.openalex_id:
        same_as.append(f"https://openalex.org/{researcher.openalex_id}")
    person: dict[str, Any] = {
        "@type": "Person",
        "@id": f"{url}#person",
        "name": researcher.display_name,
        "url": url,
        "sameAs": same_as,
    }
    if researcher.other_names:
        person["alternateName"] = researcher.other_names
    if researcher.institution:
        person["affiliation"] = {"@type": "Organization", "name": researcher.institution.name}
    if researcher.top_topics:
        person["knowsAbout"] = researcher.top_topics
    if researcher.summary_line:
        person["description"] = researcher.summary_line
    return {
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "@id": url,
        "url": url,
        "dateModified": researcher.updated_at.isoformat(),
        "mainEntity": person,
    }
