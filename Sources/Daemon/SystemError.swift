import CShim
import Glibc

/// The text of an errno value, e.g. "Address already in use".
func errnoText(_ code: Int32) -> String {
    String(cString: strerror(code))
}

/// The calling thread's errno.
func currentErrno() -> Int32 { shim_errno() }
