NAME = "okr_for_jira"
TITLE = "okr_for_jira"
ALIASES = ()


def detect(file_name, data):
    return False


def read(files, max_bytes):
    raise NotImplementedError
