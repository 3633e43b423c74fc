"""Git sync: an application connected to a repository, committed, pushed, pulled, branched and
merged with pygit2 (libgit2), the app stored as the deterministic file tree of
`lowcraft.appmodel.file_tree`.

pygit2 is loaded on the first Git operation, never at start (`repo.py` is imported by the service
when it needs it). See docs/git.md.
"""
