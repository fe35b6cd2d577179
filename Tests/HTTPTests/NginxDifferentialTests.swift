import Glibc
import TestSupport
import XCTest
@testable import HTTP

/// Sends the same malformed and ambiguous requests to nginx (from Debian) and to our server:
/// whatever nginx refuses as a framing or smuggling risk, we must refuse too.
final class NginxDifferentialTests: XCTestCase {
    /// Requests that an HTTP/1.1 server could read two ways, or that are malformed.
    static let requests: [String] = [
        "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3, 4\r\n\r\nabcd",
        "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: +3\r\n\r\nabc",
        "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 0x3\r\n\r\nabc",
        "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: t\r\nContent-Length : 3\r\n\r\nabc",
        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: identity\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding:\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nZ\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n",
        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n",
        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: t\r\n folded: x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: t\r\nX: a\r\n folded\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: t\rX: y\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: t\r\nX: a\u{0}b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: t\r\nX(: y\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "GET / HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
        "GET / HTTP/2.0\r\nHost: t\r\n\r\n",
        "GET / HTTP/1.1 x\r\nHost: t\r\n\r\n",
        "GET /a/../../etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n",
        "GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n",
        "GET /a%00 HTTP/1.1\r\nHost: t\r\n\r\n",
        "GET /a#b HTTP/1.1\r\nHost: t\r\n\r\n",
        "GET \u{7F} HTTP/1.1\r\nHost: t\r\n\r\n",
        "G\u{1}T / HTTP/1.1\r\nHost: t\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: t\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\n\r\n",
    ]

    func testWeRefuseEverythingNginxRefuses() throws {
        let nginx = "/usr/sbin/nginx"
        guard access(nginx, X_OK) == 0 else { return XCTFail("nginx is not installed at \(nginx) (make deps)") }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let nginxPort = UInt16(try freeLoopbackPort())
        let config = """
        daemon off;
        master_process off;
        pid \(directory.path)/nginx.pid;
        error_log \(directory.path)/error.log warn;
        events { worker_connections 64; }
        http {
            access_log off;
            client_body_temp_path \(directory.path);
            proxy_temp_path \(directory.path);
            fastcgi_temp_path \(directory.path);
            uwsgi_temp_path \(directory.path);
            scgi_temp_path \(directory.path);
            server {
                listen 127.0.0.1:\(nginxPort);
                location / { return 200 "ok"; }
            }
        }
        """
        let configPath = directory.path + "/nginx.conf"
        let file = fopen(configPath, "w")
        fputs(config, file)
        fclose(file)
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(nginx), strdup("-c"), strdup(configPath), nil]
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&pid, nginx, nil, nil, argv, environ) == 0 else { return XCTFail("cannot start nginx") }
        defer {
            kill(pid, SIGTERM)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        var ready = false
        for _ in 0..<100 {
            if (try? TestClient(port: nginxPort)) != nil { ready = true; break }
            sleepMilliseconds(20)
        }
        guard ready else { return XCTFail("nginx did not start listening on \(nginxPort)") }

        let router = Router()
        for method in [HTTPMethod.GET, .POST] { router.add(method, "/*rest", mode: .inline) { _ in .text("ok") } }
        let running = try RunningServer(router: router)
        defer { running.stop() }

        var nginxRefused = 0
        for request in Self.requests {
            let theirs = outcome(of: request, port: nginxPort)
            let ours = outcome(of: request, port: running.port)
            if theirs.refused { nginxRefused += 1 }
            if theirs.refused {
                XCTAssertTrue(ours.refused, "nginx refuses (\(theirs.status.map(String.init) ?? "closed")) but we answer \(ours.status.map(String.init) ?? "-"): \(request.debugDescription)")
            }
            if !theirs.refused && !ours.refused {
                XCTAssertEqual(theirs.responses, ours.responses, "both accept but read a different number of requests: \(request.debugDescription)")
            }
        }
        XCTAssertGreaterThan(nginxRefused, 10, "nginx should refuse most of these")
    }

    struct Outcome {
        var status: Int?
        var responses: Int
        var refused: Bool { (status ?? 400) >= 400 }
    }

    /// Sends `request` and then a harmless probe on the same connection; counts the answers.
    func outcome(of request: String, port: UInt16) -> Outcome {
        guard let client = try? TestClient(port: port, timeoutSeconds: 1) else { return Outcome(status: nil, responses: 0) }
        client.send(request + "GET /probe HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        guard let first = client.readResponse() else { return Outcome(status: nil, responses: 0) }
        var count = 1
        while client.readResponse() != nil { count += 1 }
        return Outcome(status: first.status, responses: count)
    }

}
