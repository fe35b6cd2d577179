"""Parameters and parameter templates through the official client, against InvenTree's test fixtures."""
import pytest
import requests
from inventree.base import Parameter, ParameterTemplate
from inventree.part import Part

from conftest import http_error


def test_fixture_parameters(api):
    parameters = Part(api, 1).getParameters()
    assert parameters
    assert all((p.model_type, p.model_id) == ("part", 1) for p in parameters)
    templates = {t.pk: t for t in ParameterTemplate.list(api)}
    assert all(p.template in templates for p in parameters)


def test_template_and_parameter_lifecycle(api):
    existing = len(ParameterTemplate.list(api))
    with pytest.raises(HTTPError := requests.exceptions.HTTPError) as error:
        ParameterTemplate.create(api, data={"units": "kg A"})
    assert http_error(error) == (400, {"name": ["This field is required."]})

    template = ParameterTemplate.create(api, data={"name": f"Test parameter no {existing}",
                                                    "description": "A parameter template for testing",
                                                    "model_type": None, "units": "kg A"})
    assert (template.units, template.description) == ("kg A", "A parameter template for testing")
    assert len(ParameterTemplate.list(api)) == existing + 1

    part = Part.list(api)[0]
    before = len(part.getParameters())
    with pytest.raises(HTTPError):
        Parameter.create(api, data={"model_type": "part", "model_id": part.pk, "template": template.pk})
    with pytest.raises(HTTPError):
        Parameter.create(api, data={"model_type": "part", "model_id": part.pk, "data": 10})
    parameter = Parameter.create(api, data={"model_type": "part", "model_id": part.pk, "template": template.pk, "data": 10})
    assert (parameter.data, parameter.template) == ("10", template.pk)
    # one value per template and part
    with pytest.raises(HTTPError):
        Parameter.create(api, data={"model_type": "part", "model_id": part.pk, "template": template.pk, "data": "String value"})
    assert len(part.getParameters()) == before + 1
    assert [p.pk for p in Parameter.list(api, template=template.pk)] == [parameter.pk]

    parameter.save({"data": "12"})
    assert Parameter(api, parameter.pk).data == "12"
    parameter.delete()
    assert len(part.getParameters()) == before
    template.delete()
    assert len(ParameterTemplate.list(api)) == existing


def test_choices_are_enforced(api):
    template = ParameterTemplate.create(api, data={"name": "Finish", "choices": "matte,gloss"})
    part = Part(api, 2)
    with pytest.raises(requests.exceptions.HTTPError) as error:
        Parameter.create(api, data={"model_type": "part", "model_id": part.pk, "template": template.pk, "data": "satin"})
    status, body = http_error(error)
    assert status == 400 and "data" in body
    parameter = Parameter.create(api, data={"model_type": "part", "model_id": part.pk, "template": template.pk, "data": "gloss"})
    assert parameter.data == "gloss"


def test_parameters_bulk_delete(api):
    template = ParameterTemplate.create(api, data={"name": "Bulk", "units": ""})
    made = [Parameter.create(api, data={"model_type": "part", "model_id": pk, "template": template.pk, "data": str(pk)}).pk
            for pk in (3, 4, 5)]
    Parameter.bulkDelete(api, items=made)
    assert Parameter.list(api, template=template.pk) == []
