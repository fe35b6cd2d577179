import Glibc

// glibc 2.36 has no openat2() wrapper and Swift cannot call the variadic syscall(), so we look up
// syscall() once and call it through a fixed-argument pointer. That is sound on x86_64 and on Linux
// AArch64, where variadic and fixed integer arguments travel in the same registers.
private typealias Openat2Syscall = @convention(c) (Int, Int32, UnsafePointer<CChar>, UnsafeRawPointer, Int) -> Int

private let syscallEntry: Openat2Syscall? = {
    guard let symbol = dlsym(nil, "syscall") else { return nil }  // nil is RTLD_DEFAULT in glibc
    return unsafeBitCast(symbol, to: Openat2Syscall.self)
}()

#if arch(x86_64) || arch(arm64)
private let openat2Number = 437
#else
private let openat2Number = -1
#endif

/// `struct open_how` of linux/openat2.h.
private struct OpenHow {
    var flags: UInt64
    var mode: UInt64
    var resolve: UInt64
}

/// openat2 `resolve` flags.
enum Openat2Resolve {
    static let noMagicLinks: UInt64 = 0x02
    static let beneath: UInt64 = 0x08
}

/// Calls openat2(2); returns the descriptor or -1 with errno set (ENOSYS where it is unavailable).
func openat2(_ directory: Int32, _ path: String, flags: Int32, resolve: UInt64) -> Int32 {
    guard let call = syscallEntry, openat2Number > 0 else {
        errno = ENOSYS
        return -1
    }
    var how = OpenHow(flags: UInt64(UInt32(bitPattern: flags)), mode: 0, resolve: resolve)
    return path.withCString { cPath in
        withUnsafeBytes(of: &how) { howBytes in
            Int32(truncatingIfNeeded: call(openat2Number, directory, cPath, howBytes.baseAddress!, MemoryLayout<OpenHow>.size))
        }
    }
}

/// O_PATH (010000000 on x86_64 and AArch64), which Glibc's module hides behind _GNU_SOURCE.
let openPathOnly: Int32 = 0o10000000
