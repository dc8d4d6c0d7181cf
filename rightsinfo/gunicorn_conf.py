"""gunicorn settings (Procfile and `make run`): privacy-preserving access log, sized for 2 cores.

The access log never records who asked or what they searched for: no client address (%(h)s), no
user agent (%(a)s), no referrer (%(f)s) and no query string (%(U)s is the path alone).
"""

import multiprocessing

ACCESS_LOG_FORMAT_WITHOUT_CLIENT_DATA = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'

workers = multiprocessing.cpu_count() + 1
worker_class = "gthread"
threads = 4
keepalive = 5
timeout = 30
graceful_timeout = 10
accesslog = "-"
errorlog = "-"
access_log_format = ACCESS_LOG_FORMAT_WITHOUT_CLIENT_DATA
forwarded_allow_ips = "127.0.0.1"
