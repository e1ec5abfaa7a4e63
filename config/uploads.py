from django.conf import settings
from django.core.files.uploadhandler import MemoryFileUploadHandler, StopUpload


class MemoryOnlyUploadHandler(MemoryFileUploadHandler):
    """Keep every upload in memory, never in a temporary file.

    Django spills uploads over FILE_UPLOAD_MAX_MEMORY_SIZE to disk in clear; an evidence scan or
    an import file can carry a reporter's identity, and is encrypted only when the service stores
    it. Anything over UPLOAD_MAX_BYTES is cut off (the form then says the file is missing or too
    large) rather than buffered.
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = True

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.UPLOAD_MAX_BYTES:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)
