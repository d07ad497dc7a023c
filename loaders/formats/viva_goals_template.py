NAME = "viva_goals_template"
TITLE = "viva_goals_template"
ALIASES = ()


def detect(file_name, data):
    return False


def read(files, max_bytes):
    raise NotImplementedError
