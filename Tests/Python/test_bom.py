"""Bills of materials through the official client, against InvenTree's test fixtures: an assembly's
lines, where a part is used (directly, as a variant, as a substitute), editing lines and substitutes."""
import pytest
import requests
from inventree.part import BomItem, BomItemSubstitute, Part

from conftest import http_error


def test_bom_of_an_assembly(api):
    bob = Part(api, 100)
    lines = {line.sub_part: line for line in bob.getBomItems()}
    assert {pk: float(line.quantity) for pk, line in lines.items()} == {1: 10, 3: 40, 5: 25, 50: 3}
    assert (lines[5].reference, lines[50].reference, lines[1].allow_variants) == ("ABCDE", "VWXYZ", True)
    assert all(line.part == 100 for line in lines.values())
    assert [line.sub_part for line in Part(api, 101).getBomItems()] == [100]


def test_where_a_part_is_used(api):
    # C_22N_0805 is a line of Bob (3) and of M2x4 LPHS (5), and a substitute on Assembly's line (6)
    assert {line.pk for line in Part(api, 5).isUsedIn()} == {3, 5, 6}
    assert {line.pk for line in Part(api, 100).isUsedIn()} == {6}
    assert Part(api, 101).isUsedIn() == []


def test_variants_count_for_lines_that_allow_them(api):
    assembly = Part.create(api, {"name": "Dining set", "description": "chairs and table", "category": 7, "assembly": True})
    line = BomItem.create(api, {"part": assembly.pk, "sub_part": 10000, "quantity": 4, "allow_variants": True})
    strict = BomItem.create(api, {"part": assembly.pk, "sub_part": 10003, "quantity": 1, "allow_variants": False})
    assert line.pk in {item.pk for item in Part(api, 10004).isUsedIn()}
    assert strict.pk not in {item.pk for item in Part(api, 10004).isUsedIn()}
    assert strict.pk in {item.pk for item in Part(api, 10003).isUsedIn()}
    assert {item.pk for item in Part(api, 10001).isUsedIn()} >= {line.pk}


def test_create_edit_and_delete_lines(api):
    assembly = Part.create(api, {"name": "Gadget", "description": "an assembly", "category": 7, "assembly": True})
    screw = Part(api, 2)
    line = BomItem.create(api, {"part": assembly.pk, "sub_part": screw.pk, "quantity": 4, "reference": "S1-S4"})
    assert (line.part, line.sub_part, float(line.quantity), line.reference) == (assembly.pk, screw.pk, 4, "S1-S4")
    line.save({"quantity": 6, "note": "longer screws"})
    line.reload()
    assert (float(line.quantity), line.note) == (6, "longer screws")
    assert [item.pk for item in assembly.getBomItems()] == [line.pk]
    assert line.pk in {item.pk for item in screw.isUsedIn()}

    # a part used in an assembly cannot be deleted, even inactive
    component = Part.create(api, {"name": "Spacer", "description": "used", "category": 8, "component": True})
    BomItem.create(api, {"part": assembly.pk, "sub_part": component.pk, "quantity": 1})
    component.save({"active": False})
    with pytest.raises(requests.exceptions.HTTPError) as error:
        component.delete()
    assert http_error(error) == (400, {"non_field_errors": ["Cannot delete this part as it is used in an assembly"]})

    assert line.delete().status_code == 204
    assert line.pk not in {item.pk for item in assembly.getBomItems()}


def test_invalid_lines_are_refused(api):
    with pytest.raises(requests.exceptions.HTTPError) as error:
        BomItem.create(api, {"part": 100, "sub_part": 100, "quantity": 1})
    assert http_error(error)[0] == 400
    # the quantity is declared on InvenTree's serializer, so required
    with pytest.raises(requests.exceptions.HTTPError) as error:
        BomItem.create(api, {"part": 100, "sub_part": 2})
    assert http_error(error) == (400, {"quantity": ["This field is required."]})
    # only assemblies have a BOM
    with pytest.raises(requests.exceptions.HTTPError) as error:
        BomItem.create(api, {"part": 2, "sub_part": 3, "quantity": 1})
    status, body = http_error(error)
    assert status == 400 and list(body) == ["part"]


def test_substitutes(api):
    line = BomItem(api, 6)
    assert [(s.part, s.bom_item) for s in BomItemSubstitute.list(api, bom_item=line.pk)] == [(5, 6)]
    extra = BomItemSubstitute.create(api, {"bom_item": line.pk, "part": 4})
    assert {s.part for s in BomItemSubstitute.list(api, bom_item=line.pk)} == {4, 5}
    assert line.pk in {item.pk for item in Part(api, 4).isUsedIn()}
    extra.delete()
    assert line.pk not in {item.pk for item in Part(api, 4).isUsedIn()}


def test_bom_metadata(api):
    line = BomItem(api, 1)
    assert line.metadata_url == "metadata/bomitem/1/"
    line.setMetadata({"checked": True}, overwrite=True)
    assert line.getMetadata() == {"checked": True}
