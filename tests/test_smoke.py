def test_login_page_is_swedish(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert 'lang="sv"' in response.text
    assert "Logga in" in response.text


def test_chair_sees_group(client, auth, demo):
    auth.login_as("chair")
    response = client.get(f"/groups/{demo.group_id}")
    assert response.status_code == 200
    assert "Mellanå" in response.text
