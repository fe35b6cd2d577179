import Daemon
print("stockroom-warmer")
