import Daemon
print("stockroom-proxy")
