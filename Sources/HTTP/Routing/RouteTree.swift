/// The routes as a tree of path segments, built as routes are added: a lookup walks the path's
/// segments once, so its cost depends on the path's length, not on how many routes there are.
/// It finds every route the path matches (a literal and a `:param` branch can both match, so both
/// are followed); `Router` then picks among them by method and by the order the routes were added.
struct RouteTree {
    /// A route that matches a path, with the ranges its `:param` segments and `*rest` took.
    struct Candidate {
        let index: Int
        let parameters: [Range<String.Index>]
        let rest: Range<String.Index>?
    }

    final class Node {
        /// Literal children by a hash of their bytes; a bucket holds the (rare) colliding ones.
        var literals: [UInt64: [(bytes: [UInt8], node: Node)]] = [:]
        var parameter: Node?
        /// Routes whose pattern ends here.
        var ending: [Int] = []
        /// Routes whose `*rest` segment starts here.
        var restAfter: [Int] = []
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

    /// Every route that matches `path`: its segments, and its trailing slash as `endsWithSlash(route)` says.
    func candidates(_ path: String, endsWithSlash: (Int) -> Bool) -> [Candidate] {
        var found: [Candidate] = []
        var parameters: [Range<String.Index>] = []
        let pathHasSlash = path.utf8.count > 1 && path.utf8.last == 0x2F
        collect(root, path, from: path.utf8.startIndex, pathHasSlash: pathHasSlash, endsWithSlash, &parameters, into: &found)
        return found
    }

    private func collect(_ node: Node, _ path: String, from start: String.Index, pathHasSlash: Bool,
                         _ endsWithSlash: (Int) -> Bool,
                         _ parameters: inout [Range<String.Index>], into found: inout [Candidate]) {
        let utf8 = path.utf8
        var position = start
        while position < utf8.endIndex && utf8[position] == 0x2F { position = utf8.index(after: position) }
        for index in node.restAfter {
            found.append(Candidate(index: index, parameters: parameters, rest: position..<utf8.endIndex))
        }
        guard position < utf8.endIndex else {
            for index in node.ending where endsWithSlash(index) == pathHasSlash {
                found.append(Candidate(index: index, parameters: parameters, rest: nil))
            }
            return
        }
        let segmentStart = position
        while position < utf8.endIndex && utf8[position] != 0x2F { position = utf8.index(after: position) }
        let segment = utf8[segmentStart..<position]
        if !node.literals.isEmpty, let bucket = node.literals[Self.hash(segment)] {
            for child in bucket where child.bytes.elementsEqual(segment) {
                collect(child.node, path, from: position, pathHasSlash: pathHasSlash, endsWithSlash, &parameters, into: &found)
            }
        }
        if let child = node.parameter {
            parameters.append(segmentStart..<position)
            collect(child, path, from: position, pathHasSlash: pathHasSlash, endsWithSlash, &parameters, into: &found)
            parameters.removeLast()
        }
    }

    /// FNV-1a of a segment's bytes.
    static func hash<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
