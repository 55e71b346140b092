"""RedisOriginStore's url: garbage is a ConfigError saying what to write, when the store is built (never a
ValueError from urlsplit, never a store that fails on its first request), and the message never repeats the URL.

No redis-server needed: nothing here connects.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from corskit import ConfigError
from corskit.cli import build_app
from corskit.server.stores.redis import MAX_URL_LENGTH, RedisOriginStore

SECRET = "hunter2"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("", "e.g. redis://localhost:6379/0"),
        (b"redis://localhost:6379/0", "e.g. redis://localhost:6379/0"),
        (None, "e.g. redis://localhost:6379/0"),
        ("http://cache:6379", "redis://, rediss:// or unix://"),
        ("REDIS://cache", "redis://, rediss:// or unix://"),
        ("redis:cache", "redis://, rediss:// or unix://"),
        # Issue 10: urlsplit's ValueError escaped (a traceback from `corskit origins`).
        (f"redis://:{SECRET}@[::1", "redis://[::1]:6379/0"),
        ("redis://[::1:6379/0", "in brackets"),
        ("redis://[zz]:6379", "in brackets"),
        ("redis://::1]:6379", "in brackets"),
        # Ports redis-py would refuse on the first request (99999, abc) or replace with 6379 without a word (0).
        ("redis://:99999", "from 1 to 65535"),
        (f"redis://u:{SECRET}@cache:65536/0", "from 1 to 65535"),
        ("redis://cache:abc", "from 1 to 65535"),
        ("redis://cache:-1", "from 1 to 65535"),
        ("redis://cache:0", "from 1 to 65535"),
        ("unix://", "socket's path"),
        ("unix://?db=1", "socket's path"),
        # redis-py would read these paths as database 0.
        ("redis://cache/one", "database number"),
        ("redis://cache:6379/0/extra", "database number"),
        ("redis://cache/%31", "database number"),
        ("redis://cache/\u0663", "database number"),  # an Arabic-Indic digit: isdigit(), not a number to Redis
        # Characters urlsplit would drop (CR, LF, tab), or hand on to a DNS lookup.
        ("redis://cache\r\n:6379", "index 13"),
        ("redis://cache\t:6379", "control character"),
        ("redis://ca che:6379", "space"),
        ("redis://cache\x00:6379", "control character"),
        ("redis://\x1b[2Jcache", "control character"),
        ("\ufeffredis://cache", "index 0"),
        (" redis://cache", "index 0"),
        (f"redis://u:{SECRET}\u2028@cache", "control character"),
        (f"redis://u:{SECRET}\uff03@cache", "percent-encode"),  # NFKC makes it '#': urlsplit refuses
        ("redis://" + "a" * MAX_URL_LENGTH, f"longer than {MAX_URL_LENGTH}"),
        # The query, as redis-py reads it.
        ("redis://cache?db=x", "'db'"),
        ("redis://cache?socket_timeout=soon", "'socket_timeout'"),
        ("redis://cache?colour=blue", "'colour' is not one redis-py takes"),
        ("redis://cache?protocol=9", "protocol"),
    ],
)
def test_garbage_urls_are_config_errors_that_say_what_to_write(url: object, says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        RedisOriginStore(url)  # type: ignore[arg-type]
    message = str(caught.value)
    assert says in message
    assert SECRET not in message  # a URL may hold a password: it is never repeated
    assert message.isprintable()


@pytest.mark.parametrize(
    ("url", "where"),
    [
        ("redis://cache.internal:6380/3", "redis://cache.internal:6380/3"),
        (f"rediss://user:{SECRET}@cache.internal:6380/0?ssl_cert_reqs=none", "rediss://cache.internal:6380/0"),
        ("redis://[::1]:6379/0", "redis://::1:6379/0"),
        ("redis://", "redis://localhost:6379"),
        ("redis://cache/", "redis://cache:6379/"),
        ("redis://cache?db=2&socket_keepalive=true", "redis://cache:6379"),
        ("unix:///run/redis/redis.sock?db=1", "unix:///run/redis/redis.sock"),
        (f"redis://u:{SECRET}%20x@cache", "redis://cache:6379"),
    ],
)
def test_urls_redis_py_reads_as_written_are_accepted(url: str, where: str) -> None:
    assert RedisOriginStore(url).where == where


@pytest.mark.parametrize("url", ["redis://[::1", "redis://:99999", "unix://", f"redis://u:{SECRET}@cache:0"])
def test_corskit_origins_says_it_in_one_usage_error(url: str) -> None:
    result = CliRunner().invoke(build_app(), ["origins", "list", "--redis", url])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "url" in result.stderr
    assert SECRET not in result.stderr
