"""Companies through the official client, against InvenTree's test fixtures: listing with the
supplier/customer/manufacturer filters and search, create/edit/delete, and the company image."""
import pytest
import requests
from inventree.company import Company

from conftest import http_error, png_bytes


def test_list_and_filters(api):
    companies = Company.list(api)
    assert {c.pk for c in companies} >= {1, 2, 3, 4, 5, 6, 7, 8}
    assert all(type(c) is Company for c in companies)
    customers = {c.pk for c in Company.list(api, is_customer=True)}
    assert {4, 5, 8} <= customers and 3 not in customers
    assert 8 not in {c.pk for c in Company.list(api, is_supplier=True)}
    assert {6, 7} <= {c.pk for c in Company.list(api, is_manufacturer=True)}
    assert [c.pk for c in Company.list(api, search="Zerg")] == [3]
    names = [c.name for c in Company.list(api, ordering="name")]
    assert [c.name for c in Company.list(api, ordering="-name")] == names[::-1]
    assert names.index("ACME") < names.index("Zerg Corp")


def test_create_edit_and_delete(api):
    company = Company.create(api, {"name": "Client Test Supplies", "description": "made by the client", "is_customer": True})
    assert company.pk and company.currency == "USD"
    assert company.is_supplier and company.is_customer and not company.is_manufacturer
    assert company.parts_supplied == 0
    company.save(data={"website": "https://example.com/", "tax_id": "DE-123"})
    company.reload()
    assert company.website == "https://example.com/" and company.tax_id == "DE-123"
    with pytest.raises(requests.exceptions.HTTPError) as error:
        Company.create(api, {"description": "a company without a name"})
    status, body = http_error(error)
    assert status == 400 and list(body) == ["name"]
    company.delete()
    assert company.pk not in {c.pk for c in Company.list(api)}


def test_image_upload_and_download(api, png_file, tmp_path):
    company = Company(api, 2)
    not_an_image = tmp_path / "logo.jpg"
    not_an_image.write_text("not a picture")
    with pytest.raises(requests.exceptions.HTTPError) as error:
        company.uploadImage(str(not_an_image))
    status, body = http_error(error)
    assert status == 400 and list(body) == ["image"]

    assert company.uploadImage(str(png_file)) is not None
    assert company.image.startswith("/media/company_images/")
    assert Company(api, 2).image == company.image
    destination = tmp_path / "logo.png"
    assert company.downloadImage(str(destination))
    assert destination.read_bytes() == png_bytes()
