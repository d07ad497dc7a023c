"""Session-state keys, named once. The filter keys double as URL query parameters."""

AS_OF = "as_of"
PERIOD = "period"
GROUP = "group"
TEAM = "team"
OWNER = "owner"
FILTERS = "review_filters"  # the ReviewFilters of the current run
URL_WRITTEN = "filters_written_to_url"  # what the app last put in the query string
PRESENTER_INDEX = "presenter_team_index"
PRESENTER_AUTO = "presenter_auto_advance"
PRESENTER_ADVANCED_AT = "presenter_advanced_at"  # monotonic time of the last step
