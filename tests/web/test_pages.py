from fastapi.testclient import TestClient


def test_landing_page_says_what_the_site_is_in_japanese_and_english(http: TestClient) -> None:
    response = http.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "書かない" in response.text and "漏れない" in response.text and "回されない" in response.text
    assert 'lang="ja"' in response.text
    assert "City procedures on your smartphone" in response.text


def test_landing_page_stylesheet_is_served(http: TestClient) -> None:
    response = http.get("/static/site.css")
    assert response.status_code == 200
    assert "font-family" in response.text
