"""Parts through the official client, against InvenTree's test fixtures: listing and filters, the
getters of a Part, OPTIONS field information, create/edit/delete, metadata, related parts,
internal prices, requirements, test templates and the part image."""
import pytest
import requests
from inventree.base import Attachment, Parameter
from inventree.part import (BomItem, InternalPrice, Part, PartCategory, PartRelated, PartTestTemplate)
from inventree.stock import StockItem

from conftest import http_error, png_bytes


def test_list_count_and_pagination(api):
    parts = Part.list(api)
    assert len(parts) >= 14
    assert all(type(p) is Part for p in parts)
    assert Part.count(api) == len(parts)
    page = Part.list(api, limit=5)
    assert [p.pk for p in page] == [p.pk for p in Part.list(api, limit=5)]
    assert len(page) == 5


def test_filters(api):
    assert {p.pk for p in Part.list(api, variant_of=10000)} == {10001, 10002, 10003}
    assert {p.pk for p in Part.list(api, variant_of=10003)} == {10004}
    assert {10001, 10002, 10003, 10004} <= {p.pk for p in Part.list(api, ancestor=10000)}
    assert {p.pk for p in Part.list(api, is_template=True)} >= {10000, 10003, 10004}
    assert all(p.salable for p in Part.list(api, salable=True))
    assert 25 in {p.pk for p in Part.list(api, trackable=True, assembly=True)}
    assert [p.pk for p in Part.list(api, IPN="BOB")] == [100]
    assert 25 in {p.pk for p in Part.list(api, search="watchamacallit")}
    electronics = {p.pk for p in Part.list(api, category=1, cascade=True)}
    assert {3, 4, 5} <= electronics
    assert not {3, 4, 5} & {p.pk for p in Part.list(api, category=1, cascade=False)}
    assert 1 in {p.pk for p in Part.list(api, has_stock=True)}


def test_a_missing_filter_object_is_an_error_the_client_can_ask_to_raise(api):
    with pytest.raises(requests.exceptions.HTTPError) as error:
        Part.list(api, category=999999, raise_error=True)
    status, body = http_error(error)
    assert status == 400 and list(body) == ["category"]


def test_getters_return_lists_of_the_right_classes(api):
    functions = {
        "getBomItems": BomItem, "isUsedIn": BomItem, "getStockItems": StockItem, "getRelated": PartRelated,
        "getInternalPriceList": InternalPrice, "getParameters": Parameter, "getAttachments": Attachment,
        "getTestTemplates": PartTestTemplate,
    }
    seen = {name: 0 for name in functions}
    for part in Part.list(api):
        for name, cls in functions.items():
            results = getattr(part, name)()
            assert isinstance(results, list)
            assert all(isinstance(r, cls) for r in results), name
            seen[name] += len(results)
    # the fixtures hold records of each kind except attachments
    assert all(seen[name] > 0 for name in functions if name != "getAttachments"), seen


def test_access_errors(api):
    with pytest.raises(TypeError):
        Part(api, "hello")
    with pytest.raises(ValueError):
        Part(api, -1)
    with pytest.raises(requests.exceptions.HTTPError) as error:
        Part(api, 9999999999)
    assert http_error(error)[0] == 404


def test_field_names_and_options(api):
    names = Part.fieldNames(api)
    assert {"active", "revision", "full_name", "IPN", "category", "image"} <= set(names)
    active = Part.fieldInfo("active", api)
    assert (active["type"], active["label"], active["default"]) == ("boolean", "Active", True)
    for name in ["name", "description", "component", "assembly"]:
        field = Part.fieldInfo(name, api)
        assert {"type", "required", "read_only", "label", "help_text"} <= set(field)
    assert Part.fieldInfo("name", api)["required"] is True
    category = Part.fieldInfo("category", api)
    assert (category["type"], category["model"], category["api_url"]) == ("related field", "partcategory", "/api/part/category/")


def test_create_in_a_category_and_get_it_back(api):
    before = len(Part.list(api, category=5))
    for index in range(3):
        part = Part.create(api, {"category": 5, "name": f"Special Part {before + index}",
                                 "description": "A new part in this category!"})
        assert part.category == 5
        category = part.getCategory()
        assert (type(category), category.pk, category.name) == (PartCategory, 5, "MCU")
        assert len(category.getParts()) == before + index + 1
    assert Part(api, part.pk).full_name == f"Special Part {before + 2}"


def test_edit(api):
    part = Part.list(api)[-1]
    part.save(data={"name": part.name + "_append", "description": "A new description"})
    expected = part.name
    part.reload()
    assert (part.name, part.description) == (expected, "A new description")
    # PUT through the client replaces the writable fields given
    part.save(data={"name": "Put name", "description": "Put description"}, method="PUT")
    assert (Part(api, part.pk).name, Part(api, part.pk).description) == ("Put name", "Put description")


def test_default_values(api):
    part = Part.create(api, {"name": "Defaults 1", "category": 1, "description": "Some part thingy"})
    assert (part.active, part.virtual) == (True, False)
    part = Part.create(api, {"name": "Defaults 2", "category": 1, "description": "false", "active": False, "virtual": False})
    assert (part.active, part.virtual) == (False, False)
    part = Part.create(api, {"name": "Defaults 3", "category": 1, "description": "true", "active": True, "virtual": True})
    assert (part.active, part.virtual) == (True, True)


def test_validation_errors_name_the_field(api):
    with pytest.raises(requests.exceptions.HTTPError) as error:
        Part.create(api, {"description": "no name"})
    assert http_error(error) == (400, {"name": ["This field is required."]})
    with pytest.raises(requests.exceptions.HTTPError) as error:
        Part.create(api, {"name": "Bad category", "description": "x", "category": 424242})
    status, body = http_error(error)
    assert status == 400 and list(body) == ["category"]


def test_delete_needs_an_inactive_part(api):
    before = len(Part.list(api))
    part = Part.create(api, {"name": "Delete Me", "description": "Not long for this world!", "category": 1})
    assert len(Part.list(api)) == before + 1
    with pytest.raises(requests.exceptions.HTTPError) as error:
        part.delete()
    assert http_error(error) == (400, {"non_field_errors": ["Cannot delete this part as it is still active"]})
    part.save(data={"active": False})
    assert part.delete().status_code == 204
    assert len(Part.list(api)) == before


def test_metadata_put_replaces_and_patch_merges(api):
    part = Part.list(api, limit=1)[0]
    assert part.metadata_url == f"metadata/part/{part.pk}/"
    part.setMetadata({"foo": "bar"}, overwrite=True)
    assert part.getMetadata() == {"foo": "bar"}
    part.setMetadata({"hello": "world"})
    part.setMetadata({"foo": "rab"})
    assert part.getMetadata() == {"foo": "rab", "hello": "world"}
    with pytest.raises(TypeError):
        part.setMetadata(["not", "a", "dict"])


def test_related_parts(api):
    a, b, c = (Part.create(api, {"name": f"Related {n}", "description": "related", "category": 7}) for n in "abc")
    assert PartRelated.add_related(api, a.pk, b.pk)
    assert PartRelated.add_related(api, a, c)
    assert {(r.part_1, r.part_2) for r in a.getRelated()} == {(a.pk, b.pk), (a.pk, c.pk)}
    assert [(r.part_1, r.part_2) for r in c.getRelated()] == [(a.pk, c.pk)]
    with pytest.raises(requests.exceptions.HTTPError):
        PartRelated.add_related(api, c, c)
    for relation in a.getRelated():
        relation.delete()
    assert a.getRelated() == [] and b.getRelated() == []


def test_internal_price(api):
    part = Part.list(api)[0]
    for price in InternalPrice.list(api, part=part.pk):
        price.delete()
    assert InternalPrice.list(api, part=part.pk) == []
    part.setInternalPrice(1, 100.0)
    part.setInternalPrice(10, 85.5)
    prices = sorted(part.getInternalPriceList(), key=lambda p: p.quantity)
    assert [(p.quantity, p.part, float(p.price)) for p in prices] == [(1, part.pk, 100.0), (10, part.pk, 85.5)]


def test_requirements(api):
    requirements = Part(api, 100).getRequirements()
    for field in ["total_stock", "unallocated_stock", "can_build", "ordering", "building", "scheduled_to_build",
                  "required_for_build_orders", "allocated_to_build_orders", "required_for_sales_orders",
                  "allocated_to_sales_orders"]:
        assert field in requirements
    assert requirements["total_stock"] == sum(item.quantity for item in StockItem.list(api, part=100, in_stock=True))
    assert requirements["total_stock"] > 0


def test_test_templates(api):
    chair = Part(api, 10000)
    assert chair.name == "Chair Template"
    templates = chair.getTestTemplates()
    assert len(templates) >= 5
    assert {"teststrengthofchair", "applypaint", "attachlegs"} <= {t.key for t in templates}
    assert all(t.getTestKey() == PartTestTemplate.generateTestKey(t.test_name) for t in templates)
    PartTestTemplate.create(api, {"part": chair.pk, "test_name": f"Test Name {len(templates)}",
                                  "description": "A test or something", "required": True})
    after = chair.getTestTemplates()
    assert len(after) == len(templates) + 1
    assert f"testname{len(templates)}" in {t.key for t in after}
    with pytest.raises(requests.exceptions.HTTPError):
        PartTestTemplate.create(api, {"part": chair.pk, "test_name": f"Test Name {len(templates)}"})


def test_image_upload_and_download(api, png_file, tmp_path):
    part = Part.list(api)[0]
    part.save(data={"image": None})
    assert Part(api, part.pk).image is None
    with pytest.raises(ValueError):
        part.downloadImage(str(tmp_path / "none.png"))

    not_an_image = tmp_path / "dummy_image.jpg"
    not_an_image.write_text("hello world")
    with pytest.raises(requests.exceptions.HTTPError) as error:
        part.uploadImage(str(not_an_image))
    status, body = http_error(error)
    assert status == 400 and list(body) == ["image"]
    with pytest.raises(FileNotFoundError):
        part.uploadImage(str(tmp_path / "missing.png"))

    assert part.uploadImage(str(png_file)) is not None
    assert "dummy_image" in part["image"]
    assert Part(api, part.pk).image == part.image

    destination = tmp_path / "output.png"
    assert part.downloadImage(str(destination))
    assert destination.read_bytes() == png_bytes()
    with pytest.raises(FileExistsError):
        part.downloadImage(str(destination))
    assert part.downloadImage(str(destination), overwrite=True)
