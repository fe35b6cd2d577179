import Daemon
print("stockroom-web")
