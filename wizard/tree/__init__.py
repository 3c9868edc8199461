"""Tree format: pydantic models and the TOML loader."""

from wizard.tree.loader import LoadedTree, default_tree_path, load_tree, shipped_tree_paths
from wizard.tree.models import Tree
from wizard.tree.problems import Problem, TreeError

__all__ = ["LoadedTree", "Problem", "Tree", "TreeError", "default_tree_path", "load_tree", "shipped_tree_paths"]
