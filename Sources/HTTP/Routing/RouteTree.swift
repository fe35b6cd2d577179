/// The routes as a tree of path segments, built as routes are added: a lookup walks the path's
/// segments once, so its cost depends on the path's length, not on how many routes there are.
/// It finds every route the path matches (a literal and a `:param` branch can both match, so both
/// are followed); `Router` then picks among them by method and by the order the routes were added.
struct RouteTree {
    /// A route that matches a path, with the byte ranges (UTF-8 offsets) its `:param` segments and `*rest` took.
    struct Candidate {
        let index: Int
        let parameters: [Range<Int>]
        let rest: Range<Int>?
    }

    // Written only while routes are added (before the server runs), read by every lookup: the
    // run-time exclusivity checks of class properties were a tenth of a lookup's cost.
    final class Node {
        /// Literal children by a hash of their bytes; a bucket holds the (rare) colliding ones.
        @exclusivity(unchecked) var literals: [UInt64: [(bytes: [UInt8], node: Node)]] = [:]
        @exclusivity(unchecked) var parameter: Node?
        /// Routes whose pattern ends here.
        @exclusivity(unchecked) var ending: [Int] = []
        /// Routes whose `*rest` segment starts here.
        @exclusivity(unchecked) var restAfter: [Int] = []
    }

    private let root = Node()

    /// Adds the route numbered `index` with `segments`.
    func insert(_ segments: [Route.Segment], index: Int) {
        var node = root
        for segment in segments {
            switch segment {
            case .literal(let text):
                let bytes = Array(text.utf8)
                let key = Self.hash(bytes[...])
                if let child = node.literals[key]?.first(where: { $0.bytes == bytes })?.node {
                    node = child
                } else {
                    let child = Node()
                    node.literals[key, default: []].append((bytes, child))
                    node = child
                }
            case .parameter:
                if let child = node.parameter {
                    node = child
                } else {
                    let child = Node()
                    node.parameter = child
                    node = child
                }
            case .rest:
                node.restAfter.append(index)
                return
            }
        }
        node.ending.append(index)
    }

    /// Every route that matches `path` (its segments, and its trailing slash as `endsWithSlash(route)`
    /// says) and that `include` accepts: the router asks only for the request's method where it can.
    func candidates(_ path: String, endsWithSlash: (Int) -> Bool, include: (Int) -> Bool = { _ in true }) -> [Candidate] {
        var found: [Candidate] = []
        forEachCandidate(path, endsWithSlash: endsWithSlash, include: include) { found.append($0) }
        return found
    }

    /// Calls `visit` with every candidate `candidates` would return, in the same order, collecting
    /// nothing (a lookup keeps only the best one).
    func forEachCandidate(_ path: String, endsWithSlash: (Int) -> Bool, include: (Int) -> Bool, _ visit: (Candidate) -> Void) {
        var parameters: [Range<Int>] = []
        var path = path
        path.withUTF8 { bytes in
            let pathHasSlash = bytes.count > 1 && bytes[bytes.count - 1] == 0x2F
            collect(root, bytes, from: 0, pathHasSlash: pathHasSlash, endsWithSlash, include, &parameters, visit)
        }
    }

    /// Walks the path's bytes (the segment hash is computed on the way to the segment's end).
    private func collect(_ node: Node, _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, pathHasSlash: Bool,
                         _ endsWithSlash: (Int) -> Bool, _ include: (Int) -> Bool,
                         _ parameters: inout [Range<Int>], _ visit: (Candidate) -> Void) {
        var position = start
        while position < bytes.count && bytes[position] == 0x2F { position += 1 }
        for index in node.restAfter where include(index) {
            visit(Candidate(index: index, parameters: parameters, rest: position..<bytes.count))
        }
        guard position < bytes.count else {
            for index in node.ending where include(index) && endsWithSlash(index) == pathHasSlash {
                visit(Candidate(index: index, parameters: parameters, rest: nil))
            }
            return
        }
        let segmentStart = position
        var hash = Self.fnvOffset
        while position < bytes.count && bytes[position] != 0x2F {
            hash = (hash ^ UInt64(bytes[position])) &* Self.fnvPrime
            position += 1
        }
        if !node.literals.isEmpty, let bucket = node.literals[hash] {
            let segment = UnsafeBufferPointer(rebasing: bytes[segmentStart..<position])
            for child in bucket where child.bytes.elementsEqual(segment) {
                collect(child.node, bytes, from: position, pathHasSlash: pathHasSlash, endsWithSlash, include, &parameters, visit)
            }
        }
        if let child = node.parameter {
            parameters.append(segmentStart..<position)
            collect(child, bytes, from: position, pathHasSlash: pathHasSlash, endsWithSlash, include, &parameters, visit)
            parameters.removeLast()
        }
    }

    private static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3

    /// FNV-1a of a segment's bytes.
    static func hash<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hash = fnvOffset
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* fnvPrime
        }
        return hash
    }
}
