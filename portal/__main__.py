"""`python -m portal …` is the `portal` command (`portal serve --production` starts its worker this way)."""
from portal.cli import main

main()
