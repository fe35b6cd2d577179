// libFuzzer entry point for HTTPRequestParser and HTTPPathNormalizer. Built by fuzz/build.sh
// together with Sources/HTTP/Parser/*.swift only (the parser has no dependencies).
//
// Besides crashes and sanitizer reports, it checks the parser's contract: feeding the same bytes
// whole and in pieces (split at a point the input itself chooses, and byte by byte) must give the
// same events; `.needMore` consumes everything; body ranges lie inside the input.

struct Outcome: Equatable {
    var heads: [String] = []
    var body: [UInt8] = []
    var ends = 0
    var error: HTTPParseError?
}

func run(_ bytes: UnsafeRawBufferPointer, pieces: [Range<Int>], limits: HTTPParserLimits) -> Outcome {
    var parser = HTTPRequestParser(limits: limits)
    var outcome = Outcome()
    for piece in pieces {
        let input = UnsafeRawBufferPointer(rebasing: bytes[piece])
        var offset = 0
        while true {
            let rest = UnsafeRawBufferPointer(rebasing: input[offset...])
            let step = parser.parse(rest)
            precondition(step.consumed >= 0 && step.consumed <= rest.count, "consumed out of range")
            switch step.event {
            case .needMore:
                precondition(step.consumed == rest.count, "needMore left bytes unconsumed")
            case .head(let head):
                outcome.heads.append("\(head.method) \(head.target) \(head.version) \(head.keepAlive) \(head.framing) \(head.headers.count)")
                _ = head.rawPath
                _ = head.rawQuery
                _ = HTTPPathNormalizer.normalize(head.rawPath)
                for field in head.headers { _ = field }
            case .body(let range):
                precondition(range.lowerBound >= 0 && range.upperBound <= rest.count && range.upperBound == step.consumed,
                             "body range outside the input")
                outcome.body.append(contentsOf: rest[range])
            case .end:
                outcome.ends += 1
            case .error(let error):
                outcome.error = error
                return outcome
            }
            offset += step.consumed
            if case .needMore = step.event { break }
        }
    }
    return outcome
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    var limits = HTTPParserLimits()
    // Small limits so that the fuzzer reaches every limit check.
    limits.maxRequestLineBytes = 256
    limits.maxHeaderBytes = 512
    limits.maxHeaderCount = 8
    limits.maxBodyBytes = 1024
    limits.maxChunkExtensionBytes = 32
    let whole = run(bytes, pieces: [0..<size], limits: limits)
    if size > 0 {
        let cut = Int(data[0]) % (size + 1)
        let split = run(bytes, pieces: [0..<cut, cut..<size], limits: limits)
        precondition(split == whole, "a split at \(cut) changed the outcome")
        if size <= 512 {
            let single = run(bytes, pieces: (0..<size).map { $0..<($0 + 1) }, limits: limits)
            precondition(single == whole, "byte-by-byte parsing changed the outcome")
        }
    }
    // The path normaliser on the raw input as a path.
    let text = String(decoding: bytes, as: UTF8.self)
    _ = HTTPPathNormalizer.normalize(Substring("/" + text))
    return 0
}
