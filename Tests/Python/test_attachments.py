"""Attachments through the official client, against InvenTree's test fixtures: files uploaded
against parts and stock items, downloaded back through the proxy, external links, filters and deletion."""
import pytest
import requests
from inventree.base import Attachment
from inventree.part import Part
from inventree.stock import StockItem

from conftest import http_error


def test_upload_and_download_a_part_attachment(api, tmp_path):
    part = Part(api, pk=1)
    before = part.getAttachments()
    assert all((a.model_type, a.model_id) == ("part", part.pk) for a in before)
    with pytest.raises(FileNotFoundError):
        part.uploadAttachment(str(tmp_path / "test-file.txt"))
    assert len(part.getAttachments()) == len(before)

    source = tmp_path / "datasheet.csv"
    source.write_bytes(b"pin,function\n1,GND\n2,VCC\n")
    response = part.uploadAttachment(str(source), comment="Uploading a file")
    assert (response["comment"], response["filename"], response["is_file"], response["is_link"]) == (
        "Uploading a file", "datasheet.csv", True, False)
    assert response["file_size"] == source.stat().st_size

    attachment = Attachment(api, pk=response["pk"])
    assert attachment.is_valid()
    assert (attachment.model_type, attachment.model_id) == ("part", 1)
    assert len(part.getAttachments()) == len(before) + 1

    destination = tmp_path / "test.tmp"
    assert attachment.download(str(destination), overwrite=True)
    assert destination.read_bytes() == source.read_bytes()
    with pytest.raises(FileExistsError):
        attachment.download(str(destination))

    # the same name again is stored beside the first file, not over it
    again = Attachment(api, pk=part.uploadAttachment(str(source))["pk"])
    assert again.attachment != attachment.attachment
    assert again.download(str(tmp_path / "again.csv"))


def test_upload_a_file_object(api, tmp_path):
    item = StockItem(api, pk=2)
    source = tmp_path / "label.txt"
    source.write_text("stock label")
    with open(source, "rb") as handle:
        response = Attachment.upload(api, handle, comment="from a file object", model_type="stockitem", model_id=item.pk)
    assert response["model_type"] == "stockitem"
    [attachment] = [a for a in item.getAttachments() if a.pk == response["pk"]]
    assert attachment.comment == "from a file object"
    assert attachment.download(str(tmp_path / "out.txt"))
    assert (tmp_path / "out.txt").read_text() == "stock label"


def test_link_attachment(api):
    part = Part(api, pk=1)
    response = part.addLinkAttachment("https://inventree.org/", comment="inventree.org")
    attachment = Attachment(api, pk=response["pk"])
    assert attachment.is_valid()
    assert (attachment.link, attachment.comment, attachment.attachment, attachment.is_link) == (
        "https://inventree.org/", "inventree.org", None, True)
    links = Attachment.list(api, model_type="part", model_id=1, is_link=True)
    files = Attachment.list(api, model_type="part", model_id=1, is_file=True)
    assert attachment.pk in {a.pk for a in links}
    assert attachment.pk not in {a.pk for a in files}
    assert all(a.is_file for a in files) and all(a.is_link for a in links)


def test_edit_and_delete(api, tmp_path):
    item = StockItem(api, pk=11)
    source = tmp_path / "notes.txt"
    source.write_text("x")
    attachment = Attachment(api, pk=item.uploadAttachment(str(source), comment="first")["pk"])
    attachment.save({"comment": "second"})
    assert Attachment(api, pk=attachment.pk).comment == "second"
    assert attachment.delete().status_code == 204
    with pytest.raises(requests.exceptions.HTTPError) as error:
        Attachment(api, pk=attachment.pk)
    assert http_error(error)[0] == 404

    made = [item.addLinkAttachment(f"https://example.com/{n}")["pk"] for n in range(3)]
    Attachment.bulkDelete(api, items=made)
    assert not {a.pk for a in item.getAttachments()} & set(made)


def test_bad_uploads_say_what_is_wrong(api):
    with pytest.raises(requests.exceptions.HTTPError) as error:
        Attachment.add_link(api, "https://example.com/", model_type="nosuchmodel", model_id=1)
    status, body = http_error(error)
    assert status == 400 and list(body) == ["model_type"]
    with pytest.raises(requests.exceptions.HTTPError) as error:
        Attachment.add_link(api, "https://example.com/", model_type="part", model_id=999999)
    status, body = http_error(error)
    assert status == 400 and list(body) == ["model_id"]
    with pytest.raises(requests.exceptions.HTTPError) as error:
        api.post("attachment/", {"model_type": "part", "model_id": 1})
    status, body = http_error(error)
    assert status == 400 and {"attachment", "link"} <= set(body)
