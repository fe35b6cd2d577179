"""The official InvenTree Python client connects to Stockroom through stockroom-proxy."""
import pytest
import requests
from inventree.api import InvenTreeAPI

DEMO_USERS = [("admin", "inventree"), ("allaccess", "nolimits"), ("reader", "readonly"), ("engineer", "partsonly")]


@pytest.mark.parametrize("username,password", DEMO_USERS)
def test_each_demo_user_connects_with_the_official_client(demo_stack, username, password):
    api = InvenTreeAPI(demo_stack.url, username=username, password=password, timeout=10)
    assert api.connected
    assert api.api_version >= 530
    me = api.get("user/me/")
    assert me["username"] == username


def test_a_wrong_password_is_refused(demo_stack):
    response = requests.get(f"{demo_stack.url}/api/user/me/", auth=("admin", "wrong"), timeout=10)
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_the_api_root_answers_without_authentication(demo_stack):
    response = requests.get(f"{demo_stack.url}/api/", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    info = response.json()
    assert info["apiVersion"] == 530
    assert info["server"] == "InvenTree"
