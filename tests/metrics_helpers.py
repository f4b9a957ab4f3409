"""Reading /metrics in tests with prometheus_client's own parser."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from apiclient import AUTH

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Scrape:
    """One /metrics answer, parsed: `value(name, **labels)` is the sample's value (0.0 when it is absent)."""

    def __init__(self, text: str):
        self.text = text
        self.families = {family.name: family for family in text_string_to_metric_families(text)}
        self.samples = [sample for family in self.families.values() for sample in family.samples]

    def value(self, name: str, **labels: str) -> float:
        found = [s.value for s in self.samples if s.name == name and s.labels == labels]
        assert len(found) <= 1, (name, labels, found)
        return found[0] if found else 0.0

    def labels(self, name: str) -> list[dict[str, str]]:
        return [s.labels for s in self.samples if s.name == name]


async def scrape(client) -> Scrape:
    response = await client.get("/metrics", headers=AUTH)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == CONTENT_TYPE
    return Scrape(await response.get_data(as_text=True))
