import Daemon
import Glibc
import XCTest

final class ListenAddressTests: XCTestCase {
    func testParsing() throws {
        XCTAssertEqual(try ListenAddress(parsing: "127.0.0.1:8000"), .tcp(host: "127.0.0.1", port: 8000))
        XCTAssertEqual(try ListenAddress(parsing: "[::1]:8000"), .tcp(host: "::1", port: 8000))
        XCTAssertEqual(try ListenAddress(parsing: ":8000"), .tcp(host: "0.0.0.0", port: 8000))
        XCTAssertEqual(try ListenAddress(parsing: "localhost:80"), .tcp(host: "localhost", port: 80))
        XCTAssertEqual(try ListenAddress(parsing: "unix:/run/stockroom/web.sock"), .unix(path: "/run/stockroom/web.sock"))
        XCTAssertEqual(try ListenAddress(parsing: "/run/x.sock"), .unix(path: "/run/x.sock"))
        XCTAssertEqual(try ListenAddress(parsing: "[::1]:8000").description, "[::1]:8000")
        XCTAssertEqual(try ListenAddress(parsing: "/run/x.sock").description, "unix:/run/x.sock")
    }

    func testBadAddresses() {
        let cases = [
            ("8000", "no port"), ("host:http", "the port must be a number in 0...65535"),
            ("host:70000", "the port must be a number in 0...65535"), ("::1:80", "an IPv6 address must be written in brackets"),
            ("[::1:80", "unbalanced brackets"), ("unix:relative.sock", "a unix socket path must be absolute"),
            ("/" + String(repeating: "x", count: 120), "a unix socket path must be shorter than 108 bytes"),
        ]
        for (text, problem) in cases {
            XCTAssertThrowsError(try ListenAddress(parsing: text), text) { error in
                XCTAssertEqual("\(error)", "listen address '\(text)' is not valid: \(problem); expected host:port, [ipv6]:port, :port, unix:/path or /path")
            }
        }
    }

    func testArguments() throws {
        let addresses = try ListenAddress.fromArguments(["--verbose", "--listen", "http=127.0.0.1:8000", "--listen=control=/tmp/c.sock"])
        XCTAssertEqual(addresses, ["http": .tcp(host: "127.0.0.1", port: 8000), "control": .unix(path: "/tmp/c.sock")])
        XCTAssertThrowsError(try ListenAddress.fromArguments(["--listen"]))
        XCTAssertThrowsError(try ListenAddress.fromArguments(["--listen", "127.0.0.1:8000"])) { error in
            XCTAssertEqual("\(error)", "--listen '127.0.0.1:8000' is not valid: expected NAME=ADDRESS such as http=127.0.0.1:8000")
        }
    }

    func testUnixSocketReplacesAStaleFileButNotALiveSocket() throws {
        let directory = TemporaryDirectory()
        let path = directory.path + "/web.sock"
        let first = try bindListeningSocket(.unix(path: path))
        // A live socket is not taken over.
        XCTAssertThrowsError(try bindListeningSocket(.unix(path: path))) { error in
            XCTAssertEqual("\(error)", "cannot bind unix:\(path): Address already in use")
        }
        close(first)
        // Its file is left behind, as after a crash: binding again removes it.
        XCTAssertEqual(access(path, F_OK), 0)
        let second = try bindListeningSocket(.unix(path: path))
        defer { close(second) }
        XCTAssertEqual(boundAddress(of: second), .unix(path: path))
    }

    func testBindErrorsNameTheAddress() throws {
        let first = try bindListeningSocket(.tcp(host: "127.0.0.1", port: 0))
        defer { close(first) }
        guard case .tcp(_, let port)? = boundAddress(of: first) else { return XCTFail("no port") }
        XCTAssertThrowsError(try bindListeningSocket(.tcp(host: "127.0.0.1", port: port))) { error in
            XCTAssertEqual("\(error)", "cannot bind 127.0.0.1:\(port): Address already in use")
        }
        XCTAssertThrowsError(try bindListeningSocket(.tcp(host: "no-such-host.invalid", port: 80))) { error in
            XCTAssertTrue("\(error)".hasPrefix("cannot resolve no-such-host.invalid:80: "), "\(error)")
        }
        XCTAssertThrowsError(try bindListeningSocket(.unix(path: "/nonexistent-dir/x.sock"))) { error in
            XCTAssertEqual("\(error)", "cannot bind unix:/nonexistent-dir/x.sock: No such file or directory")
        }
    }
}
