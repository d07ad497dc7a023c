NAME = "burning_okr"
TITLE = "burning_okr"
ALIASES = ()


def detect(file_name, data):
    return False


def read(files, max_bytes):
    raise NotImplementedError
