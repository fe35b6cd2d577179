"""How the official client signs in to the fixtures stack: token (its default), basic authentication,
a given token, and what it reports for bad credentials, as the client's own test_api.py expects."""
import pytest
import requests
from inventree.api import InvenTreeAPI
from inventree.part import Part

from conftest import FIXTURES_USER


def test_token_authentication_names_its_token(api, fixtures_stack):
    assert api.token
    assert api.server_details["apiVersion"] >= api.getMinApiVersion()
    assert {"server", "instance", "apiVersion"} <= set(api.server_details)
    # the token alone signs in
    again = InvenTreeAPI(fixtures_stack.url, token=api.token, timeout=10)
    assert [p.pk for p in Part.list(again, limit=3)] == [p.pk for p in Part.list(api, limit=3)]


def test_basic_authentication(fixtures_stack):
    username, password = FIXTURES_USER
    basic = InvenTreeAPI(fixtures_stack.url, username=username, password=password, use_token_auth=False, timeout=10)
    assert basic.token is None
    assert Part.count(basic) >= 14


def test_bad_credentials(fixtures_stack):
    with pytest.raises(Exception):
        InvenTreeAPI(fixtures_stack.url, username="abcde", password="********", timeout=10)
    anonymous = InvenTreeAPI(fixtures_stack.url, username="hello", password="world", connect=False, timeout=10)
    with pytest.raises(Exception) as error:
        Part.list(anonymous)
    assert "Authentication at InvenTree server failed" in str(error.value)
    with pytest.raises(requests.exceptions.HTTPError) as error:
        anonymous.downloadFile("/media/part/files/1/test.pdf", "test.pdf")
    # Stockroom answers a file nobody owns 404 whoever asks (InvenTree: 401 without credentials)
    assert error.value.args[0]["status_code"] == 404


def test_pagination_and_ordering(api):
    first, second = Part.list(api, limit=5, offset=0), Part.list(api, limit=5, offset=5)
    assert len(first) == len(second) == 5
    assert not {p.pk for p in first} & {p.pk for p in second}
    names = [p.name for p in Part.list(api, ordering="-name")]
    assert names == sorted(names, key=str.lower, reverse=True) or names == sorted(names, reverse=True)
    page = api.get("part/", params={"limit": 2, "offset": 2})
    assert set(page) == {"count", "next", "previous", "results"}
    assert page["count"] == Part.count(api) and len(page["results"]) == 2
