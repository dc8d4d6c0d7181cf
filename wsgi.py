"""The WSGI entry point that gunicorn serves (see Procfile)."""

from rightsinfo import create_app

app = create_app()
