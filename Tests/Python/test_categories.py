"""Part categories through the official client, against InvenTree's test fixtures: the tree,
its getters, creating and renaming, metadata, and the parameter templates a category suggests."""
import pytest
import requests
from inventree.base import ParameterTemplate
from inventree.part import Part, PartCategory, PartCategoryParameterTemplate


def test_list_count_and_parent_filter(api):
    categories = PartCategory.list(api)
    assert len(categories) >= 8
    assert all(type(c) is PartCategory for c in categories)
    assert PartCategory.count(api) == len(categories)
    children = PartCategory.list(api, parent=1)
    assert 0 < len(children) < len(categories)
    assert {c.parent for c in children} == {1}


def test_tree_getters(api):
    electronics = PartCategory(api, 1)
    assert electronics.name == "Electronics"
    assert electronics.getParentCategory() is None
    children = electronics.getChildCategories()
    assert {"Resistors", "Capacitors", "IC"} <= {c.name for c in children}
    assert all(child.parent == 1 for child in children)

    mcu = PartCategory(api, pk=5)
    assert (mcu.name, mcu.level, mcu.pathstring) == ("MCU", 2, "Electronics/IC/MCU")
    assert mcu.getParentCategory().pk == 4
    assert mcu.getParentCategory().getParentCategory().pk == 1


def test_create_rename_and_count_children(api):
    capacitors = PartCategory(api, pk=3)
    assert capacitors.name == "Capacitors"
    before = len(capacitors.getChildCategories())
    for index in range(3):
        name = f"Subcategory {before + index}"
        category = PartCategory.create(api, {"parent": capacitors.pk, "name": name, "description": "A new subcategory"})
        assert (category.parent, category.name) == (capacitors.pk, name)
        assert category.pathstring == f"Electronics/Capacitors/{name}"
        category.save({"name": f"{name}_suffix"})
        category.reload()
        assert category.name == f"{name}_suffix"
        assert PartCategory(api, category.pk).pathstring == f"Electronics/Capacitors/{name}_suffix"
    assert len(capacitors.getChildCategories()) == before + 3


def test_a_category_needs_a_name(api):
    with pytest.raises(requests.exceptions.HTTPError) as error:
        PartCategory.create(api, {"parent": 1, "description": "no name"})
    assert "name" in str(error.value)


def test_parts_of_a_category_and_new_parts_in_it(api):
    transceivers = PartCategory(api, 6)
    assert transceivers.name == "Transceivers"
    parts = transceivers.getParts()
    assert all(p.category == transceivers.pk for p in parts)
    for index in range(3):
        name = f"Part_{transceivers.pk}_{len(parts) + index}"
        part = Part.create(api, {"category": transceivers.pk, "name": name, "description": "A new part in this category"})
        assert part.name == name
    assert len(transceivers.getParts()) == len(parts) + 3
    # a part counts in its category and, with cascade, in every ancestor
    assert len(PartCategory(api, 4).getParts(cascade=True)) >= len(parts) + 3
    assert PartCategory(api, 6).part_count == len(parts) + 3


def test_delete_an_empty_category(api):
    category = PartCategory.create(api, {"parent": 7, "name": "Short lived", "description": "to be deleted"})
    before = PartCategory.count(api)
    response = category.delete()
    assert response.status_code == 204
    assert PartCategory.count(api) == before - 1
    with pytest.raises(requests.exceptions.HTTPError):
        PartCategory(api, category.pk)


def test_metadata(api):
    category = PartCategory.list(api, limit=1)[0]
    assert category.metadata_url == f"metadata/partcategory/{category.pk}/"
    category.setMetadata({"colour": "red", "size": 3}, overwrite=True)
    assert category.getMetadata() == {"colour": "red", "size": 3}
    category.setMetadata({"size": 4, "shape": "round"})
    assert category.getMetadata() == {"colour": "red", "size": 4, "shape": "round"}
    category.setMetadata({"only": True}, overwrite=True)
    assert category.getMetadata() == {"only": True}


def test_category_parameter_templates(api):
    capacitors = PartCategory(api, pk=3)
    created = []
    for name in ["wodth", "lungth", "herght"]:
        template = ParameterTemplate.create(api, data={"name": f"cat-{name}", "units": "mm"})
        link = PartCategoryParameterTemplate.create(api, data={
            "category": capacitors.pk, "template": template.pk, "default_value": 123})
        assert link.getCategory().pk == capacitors.pk
        assert link.getTemplate().pk == template.pk
        created.append(template.pk)
    templates = capacitors.getCategoryParameterTemplates(fetch_parent=False)
    assert set(created) <= {t.template for t in templates}

    sub = PartCategory.create(api, {"parent": capacitors.pk, "name": "Ceramic", "description": "inherits templates"})
    assert sub.getCategoryParameterTemplates(fetch_parent=False) == []
    inherited = sub.getCategoryParameterTemplates(fetch_parent=True)
    assert set(created) <= {t.template for t in inherited}

    # a new part in the category starts with the category's parameters
    part = Part.create(api, {"category": sub.pk, "name": "Cap 100n", "description": "gets default parameters"})
    values = {p.template: p.data for p in part.getParameters()}
    assert {pk: values.get(pk) for pk in created} == {pk: "123" for pk in created}
