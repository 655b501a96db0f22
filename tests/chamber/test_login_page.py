"""The login page renders and logs a user in (the header links to it on every page)."""


def test_login_page_renders_in_chinese_by_default(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()


def test_login_with_a_wrong_password_stays_on_the_page(client, make_user):
    make_user("alice")
    response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_login_succeeds(client, make_user):
    make_user("alice")
    response = client.post("/accounts/login/", {"username": "alice", "password": "correct horse battery staple"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]
