"""Stock locations and stock items through the official client, against InvenTree's test fixtures:
the location tree, stock per location and part, creating (serialised too), the stock actions the
client offers (count, add, remove, transfer, assign, install, uninstall) with their tracking
entries, and bulk delete."""
import pytest
import requests
from inventree.part import BomItem, Part
from inventree.stock import StockItem, StockLocation

from conftest import http_error


def new_location(api, name, parent=None):
    return StockLocation.create(api, {"name": name, "description": "made by a test", "parent": parent})


def new_item(api, quantity, part=1, location=None):
    return StockItem.create(api, {"part": part, "quantity": quantity, "location": location})[0]


def test_location_list(api):
    locations = StockLocation.list(api)
    assert len(locations) >= 7
    assert all(type(location) is StockLocation for location in locations)
    assert StockLocation.count(api) == len(locations)


def test_location_create_and_rename(api):
    before = len(StockLocation.list(api))
    parent = StockLocation(api, pk=7)
    children = len(parent.getChildLocations())
    location = StockLocation.create(api, {"name": f"My special location {children}",
                                          "description": "A location created with the API!", "parent": 7})
    same = StockLocation(api, pk=location.pk)
    assert (same.name, same.parent, same.pathstring) == (f"My special location {children}", 7,
                                                         f"Office/Drawer_3/My special location {children}")
    same.save({"name": f"A whole new name {children}"})
    location.reload()
    assert location.name == f"A whole new name {children}"
    assert len(StockLocation.list(api)) == before + 1
    assert len(parent.getChildLocations()) == children + 1


def test_location_parent_and_children(api):
    office = StockLocation(api, pk=4)
    assert (office.description, office.parent, office.getParentLocation()) == ("Place of work", None, None)
    drawer = StockLocation(api, pk=7)
    assert drawer.parent == 4
    parent = drawer.getParentLocation()
    assert (type(parent), parent.pk, parent.getParentLocation()) == (StockLocation, 4, None)
    children = parent.getChildLocations()
    assert {"Drawer_1", "Drawer_2", "Drawer_3"} <= {child.name for child in children}
    assert all(type(child) is StockLocation and child.parent == 4 for child in children)


def test_location_stock(api):
    office = StockLocation(api, pk=4)
    # items in the location and below it
    items = office.getStockItems()
    assert len(items) >= 15
    assert all(item.location in (4, 5, 6, 7) or item.location is None for item in items)
    assert {item.location for item in office.getStockItems(cascade=False)} == {4}
    before = len(office.getStockItems(part=1))
    for index in range(3):
        new_item(api, (index + 1) * 50, part=1, location=office.pk)
        assert len(office.getStockItems(part=1)) == before + index + 1
    capacitors = office.getStockItems(part=5)
    assert len(capacitors) >= 1
    assert all(item.location == office.pk and item.part == 5 for item in capacitors)


def test_stock_of_a_part(api):
    items = StockItem.list(api, part=1)
    assert len(items) >= 2
    assert all(item.part == 1 for item in items)
    assert len(Part(api, 1).getStockItems()) == len(items)
    # the template's stock includes its variants' stock
    assert {10001, 10002, 10004} <= {item.part for item in StockItem.list(api, part=10000)}


def test_filters(api):
    assert [item.pk for item in StockItem.list(api, serial=1000)] == [105]
    assert [item.pk for item in StockItem.list(api, batch="B123")] == [1]
    assert {item.pk for item in StockItem.list(api, belongs_to=105)} == {522}
    assert 102 not in {item.pk for item in StockItem.list(api, in_stock=True)}
    assert all(item.status == 60 for item in StockItem.list(api, status=60))


def test_getters(api):
    item = StockItem.list(api, in_stock=True, limit=1)[0]
    part = item.getPart()
    assert (type(part), part.pk) == (Part, item.part)
    item.transferStock(3)
    item.reload()
    location = item.getLocation()
    assert (type(location), location.pk, location.name) == (StockLocation, 3, "Dining Room")


def test_create_with_notes_answers_a_list(api):
    part = Part.create(api, {"name": "Stocked widget", "description": "x", "category": 7})
    items = StockItem.create(api, {"part": part.pk, "quantity": 45, "notes": "This is a note"})
    assert len(items) == 1
    assert (items[0].part, items[0].quantity, items[0].getPart().name) == (part.pk, 45, "Stocked widget")
    assert StockItem(api, items[0].pk).notes == "This is a note"


def test_serialised_creation(api):
    items = StockItem.create(api, {"part": 10004, "quantity": 3, "serial_numbers": "1005,1006,1007"})
    assert [item.serial for item in items] == ["1005", "1006", "1007"]
    assert all(item.quantity == 1 for item in items)
    with pytest.raises(requests.exceptions.HTTPError) as error:
        StockItem.create(api, {"part": 10004, "quantity": 1, "serial_numbers": "1005"})
    assert http_error(error)[0] == 400
    for item in items:
        item.delete()
    assert StockItem.list(api, serial=1005, part=10004) == []


def test_count(api):
    item = new_item(api, 20)
    tracking = len(item.getTrackingEntries())
    item.countStock(120)
    item.reload()
    assert item.quantity == 120
    item.countStock(20, notes="Why hello there")
    item.reload()
    assert item.quantity == 20
    entries = item.getTrackingEntries()
    assert len(entries) == tracking + 2
    assert (entries[0].label, entries[0].notes, entries[0].deltas["quantity"]) == ("Stock counted", "Why hello there", 20)
    for bad in ["not a number", -1]:
        with pytest.raises(requests.exceptions.HTTPError) as error:
            item.countStock(bad)
        assert http_error(error)[0] == 400


def test_add_and_remove(api):
    item = new_item(api, 30)
    tracking = len(item.getTrackingEntries())
    item.addStock(10)
    item.reload()
    assert item.quantity == 40
    item.removeStock(15)
    item.reload()
    assert item.quantity == 25
    labels = [entry.label for entry in item.getTrackingEntries()]
    assert len(labels) == tracking + 2
    assert labels[:2] == ["Stock manually removed", "Stock manually added"]
    for bad in [-1, "gg", None]:
        with pytest.raises(requests.exceptions.HTTPError):
            item.addStock(bad)
        with pytest.raises(requests.exceptions.HTTPError):
            item.removeStock(bad)
    item.reload()
    assert item.quantity == 25


def test_transfer(api):
    item = new_item(api, 10, location=3)
    tracking = len(item.getTrackingEntries())
    item.transferStock(StockLocation(api, pk=1))
    item.reload()
    assert item.location == 1
    item.transferStock(2)
    item.reload()
    assert item.location == 2
    entries = item.getTrackingEntries()
    assert len(entries) == tracking + 2
    assert entries[0].label == "Location changed"
    for location in [-1, "qqq", 99999, None]:
        with pytest.raises(requests.exceptions.HTTPError):
            item.transferStock(location)
    # (the client sends the whole quantity for None)
    for quantity in [-1, "hhhh", item.quantity + 1]:
        with pytest.raises(requests.exceptions.HTTPError):
            item.transferStock(1, quantity=quantity)
    item.reload()
    assert (item.location, item.quantity) == (2, 10)


def test_partial_transfer_splits_the_item(api):
    item = new_item(api, 10, location=3)
    item.transferStock(5, quantity=4)
    item.reload()
    assert (item.location, item.quantity) == (3, 6)
    moved = [other for other in StockItem.list(api, location=5, part=1, cascade=False) if other.parent == item.pk]
    assert [(other.quantity, other.location) for other in moved] == [(4, 5)]


def test_transfer_multiple(api):
    location = new_location(api, "Transfer source")
    items = [new_item(api, quantity, location=location.pk) for quantity in (3, 4, 5)]
    data = [{"pk": item.pk, "quantity": item.quantity} for item in items]
    StockItem.transferStockItems(api, data, 2)
    for item in items:
        item.reload()
        assert item.location == 2
    StockItem.transferStockItems(api, data, location.pk)
    for item in items:
        item.reload()
        assert item.location == location.pk
        history = item.getTrackingEntries()
        assert len(history) >= 2
        assert history[0].label == "Location changed"


def test_assign_to_a_customer(api):
    salable = Part.list(api, salable=True)[0]
    item = new_item(api, 10, part=salable.pk)
    item.assignStock(customer=4, notes="Sell on the side")
    item.reload()
    assert item.customer == 4
    assert StockItem.list(api, customer=4)[0].customer == 4
    assert item.getTrackingEntries()[0].label == "Sent to customer"


def test_install_and_uninstall(api):
    parent_part = Part.list(api, trackable=True, assembly=True, has_stock=True)[0]
    parent_stock = parent_part.getStockItems()[0]
    child_part = Part.create(api, {"name": "Installable", "description": "goes inside", "category": 7, "component": True})
    child_stock = new_item(api, 2, part=child_part.pk, location=1)
    BomItem.create(api, {"part": parent_part.pk, "sub_part": child_part.pk, "quantity": 1})
    assert child_stock.belongs_to is None
    for quantity in [child_stock.quantity * 2, -100]:
        with pytest.raises(requests.exceptions.HTTPError):
            parent_stock.installStock(child_stock, quantity=quantity)
    parent_stock.installStock(child_stock, quantity=child_stock.quantity)
    child_stock.reload()
    assert child_stock.belongs_to == parent_stock.pk
    assert child_stock.pk in {item.pk for item in StockItem.list(api, belongs_to=parent_stock.pk)}

    location = StockLocation.list(api)[0]
    child_stock.uninstallStock(location)
    child_stock.reload()
    assert child_stock.belongs_to is None
    assert child_stock.getLocation().pk == location.pk


def test_bulk_delete(api):
    location = new_location(api, "Bulk delete")
    for index in range(5):
        new_item(api, index + 50, location=location.pk)
    items = [item.pk for item in StockItem.list(api, location=location.pk)]
    assert len(items) == 5
    StockItem.bulkDelete(api, items=items)
    assert StockLocation(api, pk=location.pk).getStockItems() == []
    for index in range(3):
        new_item(api, index + 1, location=location.pk)
    StockItem.bulkDelete(api, filters={"location": location.pk})
    assert location.getStockItems() == []


def test_location_metadata(api):
    location = StockLocation(api, pk=5)
    assert location.metadata_url == "metadata/stocklocation/5/"
    location.setMetadata({"shelf": "A"}, overwrite=True)
    location.setMetadata({"bin": 3})
    assert location.getMetadata() == {"shelf": "A", "bin": 3}


def test_stock_item_metadata_and_fields(api):
    item = StockItem.list(api, limit=1)[0]
    assert item.metadata_url == f"metadata/stockitem/{item.pk}/"
    item.setMetadata({"audit": "2026"}, overwrite=True)
    item.setMetadata({"ok": True})
    assert item.getMetadata() == {"audit": "2026", "ok": True}
    names = StockItem.fieldNames(api)
    assert {"part", "quantity", "location", "serial", "batch", "status"} <= set(names)
    assert StockItem.fieldInfo("quantity", api)["required"] is True


def test_count_several_items_at_once(api):
    items = [new_item(api, quantity) for quantity in (5, 6)]
    StockItem.countStockItems(api, [{"pk": item.pk, "quantity": 50 + item.quantity} for item in items], notes="stocktake")
    for item in items:
        before = item.quantity
        item.reload()
        assert item.quantity == 50 + before
        assert item.getTrackingEntries()[0].notes == "stocktake"
