"""Change sets between builds, ``citygraph diff`` and their publication under /changes."""
