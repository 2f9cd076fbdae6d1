"""PostgreSQL URLs: checking one, and hiding its password even when it is malformed."""

import pytest

from corpus.backend import StoreError
from corpus.pg_url import check_url, endpoint, redact


@pytest.mark.parametrize("url", ["postgresql://u:pw@db.example:5432/news",
                                 "postgres://u@[::1]:6543/news",
                                 "postgresql://u@h1:5432,h2:5433/news",
                                 "postgresql:///news?host=/run/postgresql&port=5433"])
def test_check_url_accepts_well_formed_urls(url):
    check_url(url)


@pytest.mark.parametrize(("url", "named"), [
    ("postgresql://u:secret@127.0.0.1:notaport/db", "port 'notaport' is not a number"),
    ("postgresql://u:secret@127.0.0.1:99999/db", "port 99999 is not between 1 and 65535"),
    ("postgresql://u:secret@127.0.0.1:0/db", "port 0 is not between 1 and 65535"),
    ("postgresql://u:secret@[::1:5432/db", "unclosed '['"),
    ("postgresql://u:secret@db/news?port=x", "port 'x' is not a number"),
])
def test_check_url_names_the_bad_part_without_the_password(url, named):
    with pytest.raises(StoreError) as raised:
        check_url(url)
    message = str(raised.value)
    assert named in message
    assert "secret" not in message
    assert "\n" not in message


def test_redact_and_endpoint_never_raise_on_a_malformed_url():
    url = "postgresql://u:secret@[::1:5432/db?password=secret"
    assert "secret" not in redact(url)
    assert endpoint(url)
