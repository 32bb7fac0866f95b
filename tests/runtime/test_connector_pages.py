"""The pages a sync connector reads (events with their profile and metric, flows, metrics), paged by
``links.next`` and shaped like the answers shown in Klaviyo's and integrations' docs, decode typed.

They carry what those answers carry and the pinned spec does not promise: members left out
(``links`` of an included resource), nulls (``location``, ``prev``), members and enum values newer
than the revision, and timestamps spelled every way RFC 3339 allows.
"""

from __future__ import annotations

import datetime
from typing import Any

import attrs
import httpx
import pytest

from klaviyo_generated import MissingFieldError
from klaviyo_generated._lazy import LazyModel
from klaviyo_generated.models.attribution_response_object_resource import AttributionResponseObjectResource
from klaviyo_generated.models.metric_response_object_resource import MetricResponseObjectResource
from klaviyo_generated.models.profile_response_object_resource import ProfileResponseObjectResource
from klaviyo_generated.types import UNSET, Unset
from tests.runtime.client_harness import Server
from tests.runtime.test_client_calls import make

API = "https://a.klaviyo.com/api"
UTC = datetime.UTC


def read_all(value: Any, missing: set[str]) -> None:
    """Read every field of every model ``value`` holds; record the ``Model.member``s the API left out."""
    if isinstance(value, LazyModel):
        cls = type(value)
        assert attrs.has(cls)
        for field in attrs.fields(cls):
            try:
                read_all(getattr(value, field.name), missing)
            except MissingFieldError as error:
                missing.add(f"{error.model}.{error.member}")
    elif isinstance(value, list | dict):
        for item in value.values() if isinstance(value, dict) else value:
            read_all(item, missing)


def page(path: str, data: list[dict[str, Any]], cursor: str | None, **extra: Any) -> httpx.Response:
    links = {"self": f"{API}/{path}/", "next": f"{API}/{path}/?page%5Bcursor%5D={cursor}" if cursor else None}
    return httpx.Response(200, json={"data": data, "links": {**links, "prev": None}, **extra})


def event(event_id: str, stamp: str) -> dict[str, Any]:
    related = {"links": {"self": f"{API}/events/{event_id}/relationships/x/", "related": f"{API}/x/"}}
    return {
        "type": "event",
        "id": event_id,
        "attributes": {
            "timestamp": 1667870625,
            "event_properties": {"value": 9.99, "$event_id": event_id, "Items": ["Shoe"]},
            "datetime": stamp,
            "uuid": "2b0fd6e0-5f00-11ed-8000-00000000abcd",
        },
        "relationships": {
            "profile": {"data": {"type": "profile", "id": "01GDDKASAP8TKDDA2GRZDSVP4H"}, **related},
            "metric": {"data": {"type": "metric", "id": "RBXVbA"}, **related},
            "attributions": {"data": [{"type": "attribution", "id": "a1"}], **related},
        },
        "links": {"self": f"{API}/events/{event_id}/"},
    }


METRIC: dict[str, Any] = {
    "type": "metric",
    "id": "RBXVbA",
    "attributes": {
        "name": "Placed Order",
        "created": "2022-11-08T00:00:00+00:00",
        "updated": "2022-11-08t00:00:00z",
        "integration": {"object": "integration", "id": "0rG4eQ", "key": "shopify", "name": "Shopify"},
    },
    "links": {"self": f"{API}/metrics/RBXVbA/"},
}
PROFILE = {
    "type": "profile",
    "id": "01GDDKASAP8TKDDA2GRZDSVP4H",
    "attributes": {
        "email": "sarah.mason@klaviyo-demo.com",
        "first_name": "Sarah",
        "created": "2022-11-08t00:00:00z",
        "location": None,
        "properties": {"pseudonym": "Dr. Octopus"},
    },
    # no "links": an included resource the API sent without them
}
ATTRIBUTION = {
    "type": "attribution",
    "id": "a1",
    "relationships": {"flow": {"data": {"type": "flow", "id": "XVTP5Q"}}},
    "links": {"self": f"{API}/attributions/a1/"},
}


def test_an_events_sync_pages_by_links_next_and_reads_every_member_typed() -> None:
    server = Server(
        page("events", [event("e1", "2022-11-08T01:23:45+00:00")], "c2", included=[ATTRIBUTION, METRIC, PROFILE]),
        page("events", [event("e2", "2016-12-31T23:59:60Z")], None, included=[METRIC]),
    )
    pager = make(server).events.iter_events(include=["profile", "metric", "attributions"])
    pages = list(pager.pages())
    assert [item.id for p in pages for item in p.data] == ["e1", "e2"]
    assert server.requests[1].url.params["page[cursor]"] == "c2"
    first, second = pages
    assert [type(item) for item in first.included or []] == [
        AttributionResponseObjectResource,
        MetricResponseObjectResource,
        ProfileResponseObjectResource,
    ]
    assert first.data[0].attributes.datetime_ == datetime.datetime(2022, 11, 8, 1, 23, 45, tzinfo=UTC)
    assert second.data[0].attributes.datetime_ == datetime.datetime(2017, 1, 1, tzinfo=UTC)
    metric = pager.related(first.data[0], "metric")
    assert isinstance(metric, MetricResponseObjectResource)
    assert metric.attributes.updated == "2022-11-08t00:00:00z"  # a plain string in the spec: kept
    profile = pager.related(first.data[0], "profile")
    assert isinstance(profile, ProfileResponseObjectResource)
    assert profile.attributes.location is None
    assert profile.attributes.created == datetime.datetime(2022, 11, 8, tzinfo=UTC)
    assert getattr(profile, "links", None) is None
    missing: set[str] = set()
    read_all(pages, missing)
    assert missing == {"ProfileResponseObjectResource.links"}
    assert "links" not in profile.to_dict()


def test_flows_and_metrics_pages_decode_typed_with_newer_values_kept() -> None:
    flow = {
        "type": "flow",
        "id": "XVTP5Q",
        "attributes": {
            "name": "Welcome Series",
            "status": "paused-by-a-newer-revision",
            "archived": False,
            "created": "2022-11-08T00:00:00+00:00",
            "updated": "2022-11-08T00:00:00.123z",
            "trigger_type": "Added to List",
            "a_newer_member": {"kept": True},
        },
        "links": {"self": f"{API}/flows/XVTP5Q/"},
    }
    kv = make(Server(page("flows", [flow], "f2"), page("flows", [], None), page("metrics", [METRIC], None)))
    flows = [item for p in kv.flows.iter_flows().pages() for item in p.data]
    assert [f.attributes.status for f in flows] == ["paused-by-a-newer-revision"]
    assert flows[0].attributes.updated == datetime.datetime(2022, 11, 8, 0, 0, 0, 123000, tzinfo=UTC)
    assert flows[0].attributes.additional_properties == {"a_newer_member": {"kept": True}}
    metrics = [item for p in kv.metrics.iter_metrics().pages() for item in p.data]
    integration = metrics[0].attributes.integration
    assert integration is not None
    assert not isinstance(integration, Unset)
    assert integration.to_dict() == METRIC["attributes"]["integration"]
    missing: set[str] = set()
    read_all([*flows, *metrics], missing)
    assert missing == set()


def test_a_missing_member_in_a_page_item_is_reported_only_where_read() -> None:
    bare = event("e3", "2022-11-08T01:23:45Z")
    del bare["links"], bare["attributes"]["datetime"]
    result = make(Server(page("events", [bare], None))).events.get_events()
    item = result.data[0]
    assert item.attributes.uuid == "2b0fd6e0-5f00-11ed-8000-00000000abcd"
    assert item.attributes.datetime_ is UNSET  # optional: absent is UNSET
    with pytest.raises(MissingFieldError) as caught:  # required: absent is reported where read
        _ = item.links
    assert (caught.value.model, caught.value.member) == ("EventResponseObjectResource", "links")
    assert item.to_dict() == bare
