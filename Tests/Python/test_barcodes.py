"""Barcodes through the official client, against InvenTree's test fixtures: scanning InvenTree's own
barcodes, assigning third-party barcodes to parts, stock items and locations, and unassigning them."""
import pytest
import requests
from inventree.part import Part
from inventree.stock import StockItem, StockLocation

from conftest import http_error


def test_assign_scan_and_unassign_on_parts(api):
    barcode = "ABCD-1234-XYZ"
    part_1 = Part(api, pk=1)
    part_1.unassignBarcode()
    response = part_1.assignBarcode(barcode)
    assert (response["success"], response["barcode_data"]) == ("Assigned barcode to part instance", barcode)
    assert part_1.barcode_hash == response["barcode_hash"] != ""

    part_2 = Part(api, pk=2)
    part_2.unassignBarcode()
    with pytest.raises(requests.exceptions.HTTPError) as error:
        part_2.assignBarcode(barcode)
    assert http_error(error)[0] == 400

    response = api.scanBarcode(barcode)
    assert (response["barcode_data"], response["part"]["pk"], response["plugin"]) == (barcode, 1, "InvenTreeBarcode")

    part_1.unassignBarcode()
    assert part_1.barcode_hash == ""
    part_2.assignBarcode(barcode)
    assert api.scanBarcode(barcode)["part"]["pk"] == 2
    part_2.unassignBarcode()
    with pytest.raises(requests.exceptions.HTTPError) as error:
        api.scanBarcode(barcode)
    assert http_error(error)[0] == 400


def test_internal_barcodes_of_stock_items(api):
    for item in StockItem.list(api, limit=5):
        item.unassignBarcode()
        response = api.scanBarcode({"stockitem": item.pk})
        assert (response["stockitem"]["pk"], response["plugin"]) == (item.pk, "InvenTreeBarcode")
        barcode = f"custom-stock-item-{item.pk}"
        item.assignBarcode(barcode)
        response = api.scanBarcode(barcode)
        assert (response["stockitem"]["pk"], response["plugin"], response["barcode_data"]) == (
            item.pk, "InvenTreeBarcode", barcode)
        item.unassignBarcode()


def test_location_and_part_internal_barcodes(api):
    assert api.scanBarcode({"stocklocation": 4})["stocklocation"]["pk"] == 4
    assert api.scanBarcode({"part": 25})["part"]["pk"] == 25
    location = StockLocation(api, pk=6)
    location.assignBarcode("shelf-6")
    assert api.scanBarcode("shelf-6")["stocklocation"]["pk"] == 6
    location.unassignBarcode()
    with pytest.raises(requests.exceptions.HTTPError):
        api.scanBarcode("shelf-6")


def test_unknown_objects_are_not_found(api):
    with pytest.raises(requests.exceptions.HTTPError) as error:
        api.scanBarcode({"part": 999999})
    assert http_error(error)[0] == 400
    with pytest.raises(requests.exceptions.HTTPError) as error:
        api.post("barcode/link/", {"barcode": "x-1", "part": 999999})
    assert http_error(error)[0] == 400
