"""The server's side, in the order a request meets it:

* :mod:`.options` — the keyword options, validated once into an immutable :class:`~.options.Options`;
* :mod:`.patterns` — the origin pattern grammar (``https://*.example.com``, ``http://localhost:*``) and its guards;
* :mod:`.matcher` — which origins are allowed: exact set, one regex for all patterns, regex, function;
* :mod:`.decisions` — the answers: :class:`~.decisions.ActualDecision`, :class:`~.decisions.PreflightDecision`;
* :mod:`.policy` — :class:`~.policy.Policy`, tying options and matcher into answers (and remembering them);
* :mod:`.encoded` — a policy's answers encoded once per header form: the adapters' hot path;
* :mod:`.bounded` — how the tables of remembered answers stay bounded;
* :mod:`.routing` — :class:`~.routing.PathPolicies`, a policy per path;
* :mod:`.merge` — the one header merge every adapter writes answers with.

The adapters that put it on the wire are ``corskit.asgi``, ``corskit.wsgi`` and ``corskit.django``: they read the
request, ask the policy and write the answer, and decide nothing.
"""
