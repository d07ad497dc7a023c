"""Session-state keys and URL query parameters, named once."""

AS_OF = "as_of"  # session-state key and query parameter of the review's as-of date
