import Glibc

/// Executables built by SwiftPM next to the running test bundle (e.g. `.build/debug/daemon-fixture`).
public enum BuiltExecutable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// The directory that holds the running test bundle, which is also where SwiftPM puts the executables.
    public static var productsDirectory: String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return ".build/debug" }
        var path = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // /…/.build/debug/StockroomPackageTests.xctest: the bundle is the executable itself on Linux.
        while let slash = path.lastIndex(of: "/") {
            path = String(path[..<slash])
            if !path.hasSuffix(".xctest") { break }
        }
        return path
    }

    /// The path of the executable `name` built with the tests; throws if it has not been built.
    public static func path(_ name: String) throws -> String {
        let path = productsDirectory + "/" + name
        guard access(path, X_OK) == 0 else {
            throw Failure(description: "\(path) does not exist or is not executable: build it first (`swift build`)")
        }
        return path
    }
}

extension BuiltExecutable {
    /// Stockroom's own binaries: the release build when `make test` built it (`STOCKROOM_RELEASE_BIN`), else the
    /// debug build beside the tests.
    public static func product(_ name: String) throws -> String {
        guard let release = getenv("STOCKROOM_RELEASE_BIN") else { return try path(name) }
        let path = String(cString: release) + "/" + name
        guard access(path, X_OK) == 0 else {
            throw Failure(description: "\(path) is missing: build it first (`make test` builds everything)")
        }
        return path
    }
}
