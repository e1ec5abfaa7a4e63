from django.conf import settings
from django.urls import reverse


def test_interface_opens_in_vietnamese_even_for_an_english_browser(client, head):
    client.force_login(head)
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "vi"
    assert '<html lang="vi">' in response.content.decode()


def test_language_switch_is_remembered(client, head):
    client.force_login(head)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    response = client.get(reverse("home"))
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert client.get(reverse("home"))["Content-Language"] == "vi"
