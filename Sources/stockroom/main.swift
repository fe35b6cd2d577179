import Daemon
print("stockroom")
