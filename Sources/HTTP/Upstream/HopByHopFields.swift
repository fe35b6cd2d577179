/// Hop-by-hop filtering on the bytes of received fields (see `HopByHopHeaders`), so that a proxy
/// passes fields on without turning them into strings.
extension HTTPHeaders {
    /// These fields without the hop-by-hop ones (the fixed set, any `Proxy-*` field, every field named
    /// in `Connection`) and without those `alsoDropped` rejects (it sees the name's bytes). Shares this
    /// value's storage: no field is copied.
    func removingHopByHop(alsoDropped: (UnsafeBufferPointer<UInt8>) -> Bool = { _ in false }) -> HTTPHeaders {
        var kept: [Field] = []
        kept.reserveCapacity(fields.count)
        forEachForwardable(alsoDropped: alsoDropped) { field, _, _ in kept.append(field) }
        return HTTPHeaders(storage: storage, fields: kept)
    }

    /// Calls `body` with each field that is not hop-by-hop (as `removingHopByHop`) and not rejected by
    /// `alsoDropped`, with its name and value bytes, in order.
    func forEachForwardable(alsoDropped: (UnsafeBufferPointer<UInt8>) -> Bool,
                            _ body: (Field, UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Void) {
        storage.withUnsafeBufferPointer { buffer in
            let hasConnection = fields.contains { HopByHopHeaders.isConnection(Self.bytes(buffer, $0.nameStart, $0.nameEnd)) }
            for field in fields {
                let name = Self.bytes(buffer, field.nameStart, field.nameEnd)
                if HopByHopHeaders.isFixed(name) || HopByHopHeaders.isProxyField(name) || alsoDropped(name) { continue }
                if hasConnection && isNamedInConnection(name, buffer) { continue }
                body(field, name, Self.bytes(buffer, field.valueStart, field.valueEnd))
            }
        }
    }

    /// Whether some `Connection` field lists `name`.
    func isNamedInConnection(_ name: UnsafeBufferPointer<UInt8>, _ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        for field in fields where HopByHopHeaders.isConnection(Self.bytes(buffer, field.nameStart, field.nameEnd)) {
            if UpstreamText.listContains(Self.bytes(buffer, field.valueStart, field.valueEnd), name) { return true }
        }
        return false
    }

    @inline(__always)
    static func bytes(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int32, _ end: Int32) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: buffer[Int(start)..<Int(end)])
    }
}

extension HopByHopHeaders {
    /// One of `fixed`, by length first.
    static func isFixed(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        switch name.count {
        case 2: return equalsIgnoringASCIICase(name, "te")
        case 7: return equalsIgnoringASCIICase(name, "trailer") || equalsIgnoringASCIICase(name, "upgrade")
        case 10: return equalsIgnoringASCIICase(name, "connection") || equalsIgnoringASCIICase(name, "keep-alive")
        case 17: return equalsIgnoringASCIICase(name, "transfer-encoding")
        default: return false
        }
    }

    static func isConnection(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        name.count == 10 && equalsIgnoringASCIICase(name, "connection")
    }

    /// `Proxy-*` (Proxy-Authorization, Proxy-Connection, ...).
    static func isProxyField(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        name.count >= 6 && equalsIgnoringASCIICase(UnsafeBufferPointer(rebasing: name[0..<6]), "proxy-")
    }
}
