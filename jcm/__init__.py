"""jcm: an open, embeddable engine for Japan's Joint Crediting Mechanism (JCM)."""

from jcm._version import __version__

__all__ = ["__version__"]
