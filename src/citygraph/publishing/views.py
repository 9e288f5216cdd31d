"""The publishing blueprint with all its routes: dumps, catalogue, VoID and ontology docs.

Register it with ``app.register_blueprint(citygraph.publishing.views.bp)``.
"""

from __future__ import annotations

from citygraph.publishing import routes_docs, routes_dumps
from citygraph.publishing.web import bp

__all__ = ["bp", "routes_docs", "routes_dumps"]
