from gradio_client.client import Client
from gradio_client.data_classes import FileData
from gradio_client.utils import __version__, file, handle_file

__all__ = [
    "Client",
    "file",
    "handle_file",
    "FileData",
    "__version__",
]
