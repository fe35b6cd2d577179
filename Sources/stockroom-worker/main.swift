import Daemon
print("stockroom-worker")
