"""Review mode: `prodcheck review --base REF [--head REF] [PATH]` compares two revisions of a repository
and reports what the change adds (seed 000's review format). `review()` is the entry point."""
from prodcheck.review.git import GitError
from prodcheck.review.model import Review
from prodcheck.review.run import review

__all__ = ["GitError", "Review", "review"]
