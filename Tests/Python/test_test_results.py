"""Test results through the official client, against InvenTree's test fixtures: templates of a
part, uploading results by test name (with an attached file) and by template, and reading them back."""
import pytest
import requests
from inventree.part import PartTestTemplate
from inventree.stock import StockItem, StockItemTestResult

from conftest import http_error


def test_upload_results_by_test_name(api, tmp_path):
    items = StockItem.list(api, serial=1000)
    assert len(items) == 1
    item = items[0]
    before = len(item.getTestResults())

    report = tmp_path / "attachment.txt"
    report.write_text("firmware 0x123456\n")
    assert item.uploadTestResult("firmwareversion", False, attachment=str(report), value="0x123456")
    assert item.uploadTestResult("Temperature Test", True)
    assert item.uploadTestResult("settingschecksum", False, value="some data", notes="checked twice")

    results = item.getTestResults()
    assert len(results) == before + 3
    newest = {r.getTestKey(): r for r in results[:3]}
    assert set(newest) == {"firmwareversion", "temperaturetest", "settingschecksum"}
    assert (newest["temperaturetest"].result, newest["temperaturetest"].value) == (True, "")
    assert (newest["settingschecksum"].result, newest["settingschecksum"].value,
            newest["settingschecksum"].notes) == (False, "some data", "checked twice")
    firmware = newest["firmwareversion"]
    assert (firmware.result, firmware.value, firmware.stock_item) == (False, "0x123456", item.pk)
    assert firmware.getTestTemplate().part == 25
    assert firmware.attachment.startswith("/media/") and firmware.attachment.endswith("attachment.txt")

    copy = tmp_path / "copy.txt"
    assert api.downloadFile(firmware.attachment, str(copy))
    assert copy.read_text() == "firmware 0x123456\n"


def test_results_of_a_variant_use_the_templates_of_its_template_part(api):
    # item 520 is a Green chair variant (10004), a variant of 10003, a variant of Chair Template 10000
    item = StockItem(api, 520)
    assert item.uploadTestResult("Apply paint", True)
    assert item.uploadTestResult("Check chair is green", True)
    keys = {r.getTestKey() for r in item.getTestResults()}
    assert {"applypaint", "checkchairisgreen"} <= keys
    templates = {r.getTestTemplate().part for r in item.getTestResults()}
    assert templates <= {10000, 10003}


def test_upload_by_template(api):
    item = StockItem(api, 105)
    template = PartTestTemplate(api, 8)
    before = len(item.getTestResults(template=template.pk))
    assert item.uploadTestResult(template, True)
    assert item.uploadTestResult(template.pk, False, value="too hot")
    results = item.getTestResults(template=template.pk)
    assert len(results) == before + 2
    assert [(r.result, r.value) for r in results[:2]] == [(False, "too hot"), (True, "")]
    assert len(StockItemTestResult.list(api, stock_item=105, result=True)) >= 1


def test_unknown_test_names_and_missing_tests_are_refused(api):
    item = StockItem(api, 105)
    with pytest.raises(requests.exceptions.HTTPError) as error:
        item.uploadTestResult("no such test", True)
    status, body = http_error(error)
    assert status == 400 and list(body) == ["test"]
    with pytest.raises(requests.exceptions.HTTPError) as error:
        api.post("stock/test/", {"stock_item": item.pk, "result": True})
    assert http_error(error) == (400, {"non_field_errors": ["Template ID or test name must be provided"]})


def test_delete_results(api):
    item = StockItem(api, 100)
    template = PartTestTemplate.create(api, {"part": item.part, "test_name": "Thread check", "required": False})
    for index in range(3):
        assert item.uploadTestResult("threadcheck", index % 2 == 0)
    results = item.getTestResults(template=template.pk)
    assert len(results) == 3
    results[0].delete()
    assert len(item.getTestResults(template=template.pk)) == 2
    StockItemTestResult.bulkDelete(api, items=[r.pk for r in results[1:]])
    assert item.getTestResults(template=template.pk) == []
