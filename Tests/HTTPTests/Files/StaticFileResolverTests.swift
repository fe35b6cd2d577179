import Glibc
import XCTest
@testable import HTTP

final class StaticFileResolverTests: XCTestCase {
    private var outside: StaticTestTree!
    private var tree: StaticTestTree!

    override func setUpWithError() throws {
        outside = try StaticTestTree()
        try outside.write("secret.txt", "top secret")
        tree = try StaticTestTree()
        try tree.write("root/app.js", "console.log(1)")
        try tree.write("root/docs/index.html", "<h1>docs</h1>")
        try tree.makeDirectory("root/empty")
        tree.symlink("root/escape.txt", to: outside.path + "/secret.txt")
        tree.symlink("root/relative-escape.txt", to: "../../" + outside.path.split(separator: "/").last! + "/secret.txt")
        tree.symlink("root/escape-dir", to: outside.path)
        tree.symlink("root/alias.js", to: "app.js")
        XCTAssertEqual(mkfifo(tree.path + "/root/pipe", 0o644), 0)
    }

    private func resolvers(index: String? = nil) throws -> [StaticFileResolver] {
        let automatic = try StaticFileResolver(root: tree.path + "/root", indexFile: index)
        XCTAssertEqual(automatic.strategy, .openat2, "this kernel (Linux >= 5.6) has openat2")
        return [automatic, try StaticFileResolver(root: tree.path + "/root", indexFile: index, strategy: .componentWalk)]
    }

    func testOpensRegularFiles() throws {
        for resolver in try resolvers() {
            let file = try resolver.open(relativePath: "app.js").get()
            XCTAssertEqual(file.stat.size, 14)
            XCTAssertEqual(readRegion(file.file, offset: 0, length: 14), "console.log(1)")
            XCTAssertEqual(file.relativePath, "app.js")
        }
    }

    func testMissingFilesAreNotFound() throws {
        for resolver in try resolvers() {
            XCTAssertEqual(resolver.open(relativePath: "nope.js").refusalValue, .notFound)
            XCTAssertEqual(resolver.open(relativePath: "app.js/x").refusalValue, .notFound)
            XCTAssertEqual(resolver.open(relativePath: "missing/dir/x").refusalValue, .notFound)
        }
    }

    func testSymlinksLeavingTheRootAreForbidden() throws {
        for resolver in try resolvers() {
            XCTAssertEqual(resolver.open(relativePath: "escape.txt").refusalValue, .forbidden, "\(resolver.strategy)")
            XCTAssertEqual(resolver.open(relativePath: "relative-escape.txt").refusalValue, .forbidden, "\(resolver.strategy)")
            XCTAssertNotNil(resolver.open(relativePath: "escape-dir/secret.txt").refusalValue, "\(resolver.strategy)")
        }
    }

    func testDotDotIsRefusedEvenIfTheDecoderWereBypassed() throws {
        for resolver in try resolvers() {
            XCTAssertNotNil(resolver.open(relativePath: "../" + tree.path.split(separator: "/").last! + "/root/app.js").refusalValue)
            XCTAssertNotNil(resolver.open(relativePath: "docs/../../root/app.js").refusalValue)
        }
        let beneath = try resolvers()[0]
        XCTAssertEqual(beneath.open(relativePath: outside.path + "/secret.txt").refusalValue, .forbidden, "absolute path")
    }

    func testSymlinkInsideTheRootFollowsOnlyWithOpenat2() throws {
        let all = try resolvers()
        XCTAssertEqual(readRegion(try all[0].open(relativePath: "alias.js").get().file, offset: 0, length: 7), "console")
        XCTAssertEqual(all[1].open(relativePath: "alias.js").refusalValue, .forbidden, "the component walk refuses every symlink")
    }

    func testDirectoriesAreNotFoundWithoutAnIndex() throws {
        for resolver in try resolvers() {
            XCTAssertEqual(resolver.open(relativePath: "docs").refusalValue, .notFound)
            XCTAssertEqual(resolver.open(relativePath: "docs/").refusalValue, .notFound)
            XCTAssertEqual(resolver.open(relativePath: "").refusalValue, .notFound)
        }
    }

    func testDirectoriesServeTheirIndexWhenConfigured() throws {
        for resolver in try resolvers(index: "index.html") {
            let file = try resolver.open(relativePath: "docs/").get()
            XCTAssertEqual(file.relativePath, "docs/index.html")
            XCTAssertEqual(try resolver.open(relativePath: "docs").get().relativePath, "docs/index.html")
            XCTAssertEqual(resolver.open(relativePath: "empty/").refusalValue, .notFound)
        }
    }

    func testSpecialFilesAreForbiddenAndDoNotBlock() throws {
        for resolver in try resolvers() {
            XCTAssertEqual(resolver.open(relativePath: "pipe").refusalValue, .forbidden)
        }
    }

    func testMissingRootIsAClearError() {
        XCTAssertThrowsError(try StaticFileResolver(root: tree.path + "/no-such-root")) { error in
            guard case StaticFileRefusal.failed(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("no-such-root"), message)
            XCTAssertTrue(message.contains("No such file"), message)
        }
    }
}

extension Result {
    var refusalValue: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
