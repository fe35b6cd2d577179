import Glibc

/// Routes as a tree of path segments, built as routes are added: a lookup walks the path's
/// segments once, so its cost depends on the path's length, not on how many routes there are.
/// A literal and a `:param` branch can both match, so both are followed; the route added first
/// (the lowest index) wins. `Router` keeps one tree per method.
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
        /// Literal children sorted by the hash of their bytes (found by binary search: the hash is
        /// computed while the path is scanned anyway, and a dictionary would hash it again).
        @exclusivity(unchecked) var literals: [Literal] = []
        @exclusivity(unchecked) var parameter: Node?
        /// Routes whose pattern ends here, with whether the pattern ends with a slash.
        @exclusivity(unchecked) var ending: [(index: Int, trailingSlash: Bool)] = []
        /// Routes whose `*rest` segment starts here.
        @exclusivity(unchecked) var restAfter: [Int] = []
    }

    struct Literal {
        let hash: UInt64
        let bytes: [UInt8]
        let node: Node
    }

    private let root = Node()

    /// The index of the first literal child of `node` whose hash is not below `hash`.
    private static func firstLiteral(in node: Node, atLeast hash: UInt64) -> Int {
        var low = 0
        var high = node.literals.count
        while low < high {
            let middle = (low + high) / 2
            if node.literals[middle].hash < hash { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Adds the route numbered `index` with `segments`; `trailingSlash` says whether its pattern ends with one.
    func insert(_ segments: [Route.Segment], index: Int, trailingSlash: Bool) {
        var node = root
        for segment in segments {
            switch segment {
            case .literal(let text):
                let bytes = Array(text.utf8)
                let key = Self.hash(bytes[...])
                var index = Self.firstLiteral(in: node, atLeast: key)
                while index < node.literals.count && node.literals[index].hash == key && node.literals[index].bytes != bytes {
                    index += 1
                }
                if index < node.literals.count && node.literals[index].hash == key {
                    node = node.literals[index].node
                } else {
                    let child = Node()
                    node.literals.insert(Literal(hash: key, bytes: bytes, node: child), at: index)
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
        node.ending.append((index, trailingSlash))
    }

    /// The route of the lowest index that matches `path` (its segments, and its trailing slash).
    func firstMatch(_ path: String) -> Candidate? {
        var best: Candidate?
        var parameters: [Range<Int>] = []
        var path = path
        path.withUTF8 { bytes in
            let pathHasSlash = bytes.count > 1 && bytes[bytes.count - 1] == 0x2F
            collect(root, bytes, from: 0, pathHasSlash: pathHasSlash, &parameters, &best)
        }
        return best
    }

    private static func offer(_ index: Int, _ parameters: [Range<Int>], rest: Range<Int>?, to best: inout Candidate?) {
        if best.map({ index < $0.index }) ?? true { best = Candidate(index: index, parameters: parameters, rest: rest) }
    }

    /// Walks the path's bytes (the segment hash is computed on the way to the segment's end).
    private func collect(_ node: Node, _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, pathHasSlash: Bool,
                         _ parameters: inout [Range<Int>], _ best: inout Candidate?) {
        var position = start
        while position < bytes.count && bytes[position] == 0x2F { position += 1 }
        for index in node.restAfter {
            Self.offer(index, parameters, rest: position..<bytes.count, to: &best)
        }
        guard position < bytes.count else {
            for ending in node.ending where ending.trailingSlash == pathHasSlash {
                Self.offer(ending.index, parameters, rest: nil, to: &best)
            }
            return
        }
        let segmentStart = position
        var hash = Self.fnvOffset
        while position < bytes.count && bytes[position] != 0x2F {
            hash = (hash ^ UInt64(bytes[position])) &* Self.fnvPrime
            position += 1
        }
        if !node.literals.isEmpty {
            let segment = UnsafeBufferPointer(rebasing: bytes[segmentStart..<position])
            var index = Self.firstLiteral(in: node, atLeast: hash)
            while index < node.literals.count && node.literals[index].hash == hash {
                if Self.equal(node.literals[index].bytes, segment) {
                    collect(node.literals[index].node, bytes, from: position, pathHasSlash: pathHasSlash, &parameters, &best)
                }
                index += 1
            }
        }
        if let child = node.parameter {
            parameters.append(segmentStart..<position)
            collect(child, bytes, from: position, pathHasSlash: pathHasSlash, &parameters, &best)
            parameters.removeLast()
        }
    }

    private static func equal(_ literal: [UInt8], _ segment: UnsafeBufferPointer<UInt8>) -> Bool {
        literal.count == segment.count
            && literal.withUnsafeBufferPointer { memcmp($0.baseAddress!, segment.baseAddress!, segment.count) == 0 }
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
