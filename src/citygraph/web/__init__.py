"""Pieces shared by every blueprint: the runtime and the dataset description of the current
build (``current``), and the helpers around responses. Blueprints import from here, never from
each other or from the app module."""
