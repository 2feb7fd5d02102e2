"""The media library's logic: what a file really is (sniff), images through Pillow (images), where files live
(storage), and uploading, using and deleting them (library). Views in portal/admin/media.py stay thin."""
