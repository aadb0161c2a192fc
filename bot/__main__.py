"""`python -m bot` runs the essaybot command."""

from bot.cli import main

raise SystemExit(main())
