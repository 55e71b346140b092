"""The server's side: a :class:`Policy` compiled once, and the decisions the middleware writes.

The public faces are ``corskit.Policy`` and the adapters ``corskit.asgi``, ``corskit.wsgi`` and ``corskit.django``.
"""
