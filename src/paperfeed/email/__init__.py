"""Email: messages rendered from template triples, and the mailers that send them."""
