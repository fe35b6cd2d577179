import CShim
import CSystemd
import Glibc
public func probe() -> Int32 { sd_booted() + shim_errno() }
