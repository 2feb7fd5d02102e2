"""Publishing the public site: freeze it to static HTML, then build its Pagefind search index."""
