"""Community: accounts, sessions, paper submissions, upvotes, comments, trending."""
