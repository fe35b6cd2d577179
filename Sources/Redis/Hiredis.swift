import CHiredis
import Glibc

/// The conversions between Swift values and hiredis' C structures.
enum Hiredis {
    /// Calls `body` with argc, argv and argvlen for `arguments`, all pointing into one buffer
    /// that lives for the duration of the call (hiredis copies the arguments into its buffer).
    static func withArgv<T>(_ arguments: [[UInt8]],
                            _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> T) -> T {
        var flat: [UInt8] = []
        flat.reserveCapacity(arguments.reduce(1) { $0 + $1.count })
        var offsets: [Int] = []
        var lengths: [Int] = []
        for argument in arguments {
            offsets.append(flat.count)
            lengths.append(argument.count)
            flat.append(contentsOf: argument)
        }
        flat.append(0)  // never empty, so the buffers always have a base address
        lengths.append(0)
        return flat.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var pointers: [UnsafePointer<CChar>?] = offsets.map { base + $0 }
            pointers.append(nil)
            return pointers.withUnsafeMutableBufferPointer { argv in
                lengths.withUnsafeBufferPointer { argvlen in
                    body(Int32(arguments.count), argv.baseAddress!, argvlen.baseAddress!)
                }
            }
        }
    }

    /// Copies a hiredis reply tree into a `RedisReply`; the caller still frees the tree.
    static func reply(from pointer: UnsafePointer<redisReply>) -> RedisReply {
        let raw = pointer.pointee
        switch raw.type {
        case REDIS_REPLY_STRING:
            return .string(bytes(raw.str, raw.len))
        case REDIS_REPLY_STATUS:
            return .status(String(decoding: bytes(raw.str, raw.len), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            return .error(String(decoding: bytes(raw.str, raw.len), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            return .integer(Int64(raw.integer))
        case REDIS_REPLY_NIL:
            return .null
        case REDIS_REPLY_ARRAY:
            var elements: [RedisReply] = []
            elements.reserveCapacity(raw.elements)
            for index in 0..<raw.elements {
                if let element = raw.element[index] {
                    elements.append(reply(from: element))
                } else {
                    elements.append(.null)
                }
            }
            return .array(elements)
        default:
            return .error("reply of unknown type \(raw.type)")
        }
    }

    /// Takes ownership of a reply returned by hiredis: converts it and frees it.
    static func consume(_ raw: UnsafeMutableRawPointer) -> RedisReply {
        defer { freeReplyObject(raw) }
        return reply(from: raw.assumingMemoryBound(to: redisReply.self))
    }

    private static func bytes(_ pointer: UnsafeMutablePointer<CChar>?, _ length: Int) -> [UInt8] {
        guard let pointer, length > 0 else { return [] }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
    }

    /// The context's `errstr`.
    static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Classifies the context's error after a failed read or write.
    static func ioError(_ context: UnsafeMutablePointer<redisContext>, errno savedErrno: Int32, address: String) -> RedisError {
        let text = errorText(context)
        switch context.pointee.err {
        case REDIS_ERR_IO where savedErrno == EAGAIN || savedErrno == EWOULDBLOCK:
            return .timeout(address: address)
        case REDIS_ERR_PROTOCOL:
            return .protocolError(address: address, reason: text)
        case REDIS_ERR_EOF:
            return .io(address: address, reason: "the server closed the connection")
        case 0:
            return .io(address: address, reason: "unknown error (errno \(savedErrno))")
        default:
            return .io(address: address, reason: text.isEmpty ? "error \(context.pointee.err)" : text)
        }
    }
}
