/// Request ids: the client's `X-Request-ID` when it is sane, otherwise 15 hex digits unique to this process.
struct RequestIDGenerator {
    private let prefix: UInt64
    private var counter: UInt64 = 0

    /// `seed` distinguishes processes, `loop` the event loops of one process.
    init(seed: UInt64, loop: Int) {
        prefix = ((seed & 0xFF_FFFF) << 36) | (UInt64(loop & 0xF) << 32)
    }

    mutating func next() -> String {
        counter &+= 1
        let value = prefix | (counter & 0xFFFF_FFFF)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 15) { buffer in
            for i in 0..<15 {
                let digit = UInt8((value >> UInt64(4 * (14 - i))) & 0xF)
                buffer[i] = digit < 10 ? 0x30 + digit : 0x57 + digit
            }
            return String(decoding: buffer, as: UTF8.self)
        }
    }

    /// Whether an incoming id may be used as is: 1 to 128 of `A-Z a-z 0-9 . _ : -`.
    static func isSane(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !bytes.isEmpty && bytes.count <= 128 else { return false }
        for b in bytes {
            switch b {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2E, 0x5F, 0x3A, 0x2D: continue
            default: return false
            }
        }
        return true
    }
}
