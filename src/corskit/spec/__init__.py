"""The shared vocabulary of both parties: origins, header grammar, safelists, error codes.

Pure functions and small immutable values, no I/O and no dependencies. The browser engine (``corskit.browser``)
and the server's policy (``corskit.server``) both speak it.
"""
