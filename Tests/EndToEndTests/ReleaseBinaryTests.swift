import Glibc
import TestSupport
import XCTest

/// The release binaries link the Swift runtime statically, so the Debian package depends only
/// on Debian's libraries.
final class ReleaseBinaryTests: XCTestCase {
    static let executables = ["stockroom", "stockroom-proxy", "stockroom-web", "stockroom-worker", "stockroom-warmer"]

    func testReleaseBinariesLinkNoSwiftRuntimeLibrary() throws {
        guard let directory = getenv("STOCKROOM_RELEASE_BIN").map({ String(cString: $0) }) else {
            XCTFail("STOCKROOM_RELEASE_BIN is not set: run `make test`, which builds the release binaries")
            return
        }
        for name in Self.executables {
            let ldd = try ChildProcess(executable: "/usr/bin/ldd", arguments: [directory + "/" + name],
                                       environment: ["PATH": "/usr/bin:/bin"])
            XCTAssertEqual(try ldd.wait(timeout: 30), .exited(0), ldd.standardError)
            let libraries = ldd.standardOutput.split(separator: "\n").map { String($0) }
            XCTAssertFalse(libraries.isEmpty)
            for line in libraries {
                let library = String(line.drop(while: { $0 == "\t" || $0 == " " }))
                XCTAssertFalse(
                    ["libswift", "libFoundation", "libdispatch", "libBlocksRuntime", "lib_FoundationICU", "libXCTest"]
                        .contains { library.contains($0) },
                    "\(name) links a Swift runtime library: \(library)")
                XCTAssertFalse(library.contains("not found"), "\(name): \(library)")
            }
        }
    }
}
