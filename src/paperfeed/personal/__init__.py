"""A member's own things: library, collections, follows, mutes, and the for-you feed."""
