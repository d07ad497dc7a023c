NAME = "quantive"
TITLE = "quantive"
ALIASES = ()


def detect(file_name, data):
    return False


def read(files, max_bytes):
    raise NotImplementedError
