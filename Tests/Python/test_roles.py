"""Each of the demo dataset's four users, through the official client, reads and writes exactly what
their role allows (admin: superuser; allaccess: everything but transfer orders; reader: view only;
engineer: parts, categories and BOMs, stock only to view, no purchase or sales orders), and fetches
media through stockroom-proxy with their token only where the owning record is open to them."""
import uuid

import pytest
import requests
from inventree.api import InvenTreeAPI
from inventree.base import Attachment
from inventree.part import BomItem, Part, PartCategory, PartTestTemplate
from inventree.stock import StockItem, StockLocation

from conftest import http_error

USERS = {"admin": "inventree", "allaccess": "nolimits", "reader": "readonly", "engineer": "partsonly"}
# what each user may change, by area (everyone may view parts, categories, BOMs, stock and locations)
MAY_CHANGE = {
    "admin": {"part", "category", "bom", "stock", "location"},
    "allaccess": {"part", "category", "bom", "stock", "location"},
    "reader": set(),
    "engineer": {"part", "category", "bom"},
}
# who may view purchase and sales orders (and so their attachments)
SEES_ORDERS = {"admin", "allaccess", "reader"}


@pytest.fixture(scope="module")
def clients(demo_stack):
    return {name: InvenTreeAPI(demo_stack.url, username=name, password=password, timeout=30, token_name="roles-test")
            for name, password in USERS.items()}


@pytest.fixture(scope="module")
def uploads(clients, tmp_path_factory):
    """Files attached by the superuser to a stock item, a purchase order and a sales order."""
    directory = tmp_path_factory.mktemp("uploads")
    made = {}
    item = StockItem.list(clients["admin"], limit=1)[0].pk
    for model_type, model_id in [("stockitem", item), ("purchaseorder", 1), ("salesorder", 1)]:
        path = directory / f"{model_type}.txt"
        path.write_text(f"about {model_type}\n")
        made[model_type] = Attachment.upload(clients["admin"], str(path), model_type=model_type, model_id=model_id)
    return made


def refused(action):
    """The HTTP status of the client's HTTPError from `action`, or None when it went through."""
    try:
        action()
    except requests.exceptions.HTTPError as error:
        return error.args[0]["status_code"]
    return None


@pytest.mark.parametrize("user", USERS)
def test_everyone_reads_parts_categories_bom_stock_and_locations(clients, user):
    api = clients[user]
    assert len(Part.list(api, limit=10)) == 10
    assert Part.count(api) == Part.count(clients["admin"])
    assert len(PartCategory.list(api)) == len(PartCategory.list(clients["admin"]))
    assert StockItem.count(api) == StockItem.count(clients["admin"])
    assert len(StockLocation.list(api)) == len(StockLocation.list(clients["admin"]))
    assembly = Part.list(api, assembly=True, has_stock=True, limit=1)[0]
    assert assembly.getBomItems()
    item = StockItem.list(api, limit=1)[0]
    assert item.getPart().pk == item.part
    assert item.getLocation() is None or item.getLocation().pk == item.location
    # the history, test results, parameters and attachments of what they may view
    admin_item = StockItem(clients["admin"], item.pk)
    assert len(item.getTrackingEntries()) == len(admin_item.getTrackingEntries()) > 0
    assert len(item.getTestResults()) == len(admin_item.getTestResults())
    assert len(Part(api, 1).getParameters()) == len(Part(clients["admin"], 1).getParameters()) > 0
    assert [a.pk for a in Part(api, 85).getAttachments()] == [a.pk for a in Part(clients["admin"], 85).getAttachments()]
    assert len(Part(api, 85).getAttachments()) >= 2


@pytest.mark.parametrize("user", USERS)
def test_part_and_category_writes(clients, user):
    api = clients[user]
    allowed = "part" in MAY_CHANGE[user]
    name = f"{user}-{uuid.uuid4().hex[:8]}"
    status = refused(lambda: PartCategory.create(api, {"name": name, "description": "by " + user}))
    assert status == (None if allowed else 403)
    status = refused(lambda: Part.create(api, {"name": name, "description": "by " + user, "category": 1}))
    assert status == (None if allowed else 403)

    part = Part(api, 1)
    status = refused(lambda: part.save({"keywords": f"edited by {user}"}))
    assert status == (None if allowed else 403)
    assert (Part(clients["admin"], 1).keywords == f"edited by {user}") == allowed
    status = refused(lambda: part.setMetadata({"touched_by": user}))
    assert status == (None if allowed else 403)

    doomed = Part.create(clients["admin"], {"name": f"doomed {name}", "description": "x", "category": 1, "active": False})
    status = refused(lambda: Part(api, doomed.pk).delete())
    assert status == (None if allowed else 403)


@pytest.mark.parametrize("user", USERS)
def test_bom_writes(clients, user):
    api = clients[user]
    allowed = "bom" in MAY_CHANGE[user]
    assembly = Part.create(clients["admin"], {"name": f"asm {user} {uuid.uuid4().hex[:6]}", "description": "x",
                                              "category": 1, "assembly": True})
    component = Part.list(api, component=True, limit=1)[0]
    status = refused(lambda: BomItem.create(api, {"part": assembly.pk, "sub_part": component.pk, "quantity": 2}))
    assert status == (None if allowed else 403)
    assert len(Part(clients["admin"], assembly.pk).getBomItems()) == (1 if allowed else 0)


@pytest.mark.parametrize("user", USERS)
def test_stock_and_location_writes(clients, user):
    api = clients[user]
    allowed = "stock" in MAY_CHANGE[user]
    status = refused(lambda: StockLocation.create(api, {"name": f"shelf {user} {uuid.uuid4().hex[:6]}"}))
    assert status == (None if allowed else 403)
    status = refused(lambda: StockItem.create(api, {"part": 1, "quantity": 5, "location": 1}))
    assert status == (None if allowed else 403)

    item = StockItem.create(clients["admin"], {"part": 1, "quantity": 10, "location": 1})[0]
    mine = StockItem(api, item.pk)
    for action in [lambda: mine.transferStock(2), lambda: mine.countStock(12), lambda: mine.addStock(1),
                   lambda: mine.removeStock(1), lambda: mine.save({"batch": "B-" + user})]:
        assert refused(action) == (None if allowed else 403)
    item.reload()
    assert (item.quantity, item.location) == ((12, 2) if allowed else (10, 1))
    assert refused(lambda: mine.delete()) == (None if allowed else 403)


@pytest.mark.parametrize("user", USERS)
def test_test_results_and_stock_metadata_need_stock_changes(clients, user):
    api = clients[user]
    allowed = "stock" in MAY_CHANGE[user]
    template = PartTestTemplate.list(api)[0]
    item = StockItem.list(api, part=template.part, limit=1)[0]
    before = len(item.getTestResults())
    assert refused(lambda: item.uploadTestResult(template.pk, True, value=user)) == (None if allowed else 403)
    assert len(item.getTestResults()) == before + (1 if allowed else 0)
    assert refused(lambda: item.setMetadata({"checked_by": user})) == (None if allowed else 403)
    assert isinstance(item.getMetadata(), dict)


@pytest.mark.parametrize("user", USERS)
def test_attachment_writes_follow_the_record(clients, user, tmp_path):
    api = clients[user]
    source = tmp_path / "note.txt"
    source.write_text("note")
    status = refused(lambda: Part(api, 1).uploadAttachment(str(source)))
    assert status == (None if "part" in MAY_CHANGE[user] else 403)
    item = StockItem.list(api, limit=1)[0]
    status = refused(lambda: item.uploadAttachment(str(source)))
    assert status == (None if "stock" in MAY_CHANGE[user] else 403)


@pytest.mark.parametrize("user", USERS)
def test_attachments_are_listed_where_the_record_is_visible(clients, uploads, user):
    api = clients[user]
    visible = {a.pk for a in Attachment.list(api)}
    assert uploads["stockitem"]["pk"] in visible
    for model_type in ["purchaseorder", "salesorder"]:
        assert (uploads[model_type]["pk"] in visible) == (user in SEES_ORDERS)
    status = refused(lambda: Attachment(api, uploads["purchaseorder"]["pk"]))
    assert status == (None if user in SEES_ORDERS else 404)


# Media through stockroom-proxy, with each user's token

def media_status(demo_stack, url, token=None):
    headers = {"Authorization": f"Token {token}"} if token else {}
    response = requests.get(demo_stack.url + url, headers=headers, timeout=10)
    return response.status_code, response.content


@pytest.mark.parametrize("user", USERS)
def test_media_of_parts_and_companies(demo_stack, clients, user):
    token = clients[user].token
    for url in ["/media/part_images/0402.jpg", "/media/part_files/85/1591BTBU.pdf", "/media/company_images/company_1_img.jpg"]:
        status, content = media_status(demo_stack, url, token)
        assert status == 200, url
        assert content == (demo_stack.media_source / url.removeprefix("/media/")).read_bytes()
    # images show inline, other files download
    headers = {"Authorization": f"Token {token}"}
    assert "Content-Disposition" not in requests.get(demo_stack.url + "/media/part_images/0402.jpg", headers=headers, timeout=10).headers
    assert requests.get(demo_stack.url + "/media/part_files/85/1591BTBU.pdf", headers=headers,
                        timeout=10).headers["Content-Disposition"] == 'attachment; filename="1591BTBU.pdf"'
    image = Part(clients[user], 1).image
    assert media_status(demo_stack, image, token)[0] == 200


@pytest.mark.parametrize("user", USERS)
def test_media_of_uploaded_attachments(demo_stack, clients, uploads, user, tmp_path):
    api = clients[user]
    status, content = media_status(demo_stack, uploads["stockitem"]["attachment"], api.token)
    assert (status, content) == (200, b"about stockitem\n")
    for model_type in ["purchaseorder", "salesorder"]:
        status, content = media_status(demo_stack, uploads[model_type]["attachment"], api.token)
        if user in SEES_ORDERS:
            assert (status, content) == (200, f"about {model_type}\n".encode())
        else:
            assert status == 403
    # the client's own download raises for a refused file
    destination = tmp_path / "po.txt"
    status = refused(lambda: api.downloadFile(uploads["purchaseorder"]["attachment"], str(destination)))
    assert status == (None if user in SEES_ORDERS else 403)


@pytest.mark.parametrize("user", USERS)
def test_unknown_media_is_not_found_for_everyone(demo_stack, clients, user):
    for url in ["/media/part_images/no-such-image.jpg", "/media/attachments/purchaseorder/1/missing.txt"]:
        assert media_status(demo_stack, url, clients[user].token)[0] == 404
        assert media_status(demo_stack, url)[0] == 404


def test_media_needs_credentials(demo_stack, uploads):
    for url in ["/media/part_images/0402.jpg", uploads["stockitem"]["attachment"]]:
        assert media_status(demo_stack, url)[0] == 401
        assert media_status(demo_stack, url, "not-a-token")[0] == 401
