import Foundation
import Glibc
import TestSupport
import XCTest

/// `stockroom import-inventree` as an administrator runs it: the real executable, configured by
/// the environment like the daemons.
final class ImportCommandTests: ImporterTestCase {
    func stockroom(_ arguments: [String]) throws -> ChildProcess {
        let directory = getenv("STOCKROOM_RELEASE_BIN").map { String(cString: $0) } ?? BuiltExecutable.productsDirectory
        let executable = directory + "/stockroom"
        guard access(executable, X_OK) == 0 else { throw BuiltExecutable.Failure(description: "\(executable) is not built (swift build)") }
        // an empty configuration file: everything comes from the environment
        let configuration = environment.scratchDirectory + "/import-command-test.conf"
        FileManager.default.createFile(atPath: configuration, contents: Data())
        let process = try ChildProcess(executable: executable, arguments: arguments, environment: [
            "PATH": "/usr/bin:/bin",
            "STOCKROOM_CONFIG": configuration,
            "STOCKROOM_DATABASE_URL": databaseURL,
            "STOCKROOM_MEDIA_ROOT": mediaRoot,
        ], workingDirectory: environment.scratchDirectory)
        _ = try process.wait(timeout: 120)
        return process
    }

    func testImportsPrintsTheSummaryAndRefusesASecondTime() throws {
        try emptyInventory()
        let first = try stockroom(["import-inventree", Self.demo2024, "--media", Self.demoMedia])
        XCTAssertEqual(first.exitStatus, .exited(0), first.standardError)
        let output = first.standardOutput
        XCTAssertTrue(output.contains("loaded 8048 records:"), output)
        XCTAssertTrue(output.contains("skipped 433 records:"), output)
        XCTAssertTrue(output.contains("part.partpricing"), output)
        XCTAssertTrue(output.contains("media: 106 files copied"), output)
        XCTAssertFalse(output.contains("\u{1B}[K"), "no progress bar when stdout is not a terminal")
        XCTAssertTrue(FileManager.default.fileExists(atPath: mediaRoot + "/part_images/0402.jpg"))
        XCTAssertEqual(try count("part_part"), 414)

        let second = try stockroom(["import-inventree", Self.demo530, "--media", Self.demoMedia])
        XCTAssertEqual(second.exitStatus, .exited(1))
        XCTAssertTrue(second.standardError.contains("give --replace"), second.standardError)

        let replaced = try stockroom(["import-inventree", Self.demo530, "--media", Self.demoMedia, "--replace"])
        XCTAssertEqual(replaced.exitStatus, .exited(0), replaced.standardError)
        XCTAssertTrue(replaced.standardOutput.contains("deleted (--replace)"), replaced.standardOutput)
    }

    func testExplainsBadArguments() throws {
        let noFile = try stockroom(["import-inventree"])
        XCTAssertEqual(noFile.exitStatus, .exited(1))
        XCTAssertTrue(noFile.standardError.contains("expected one export file"), noFile.standardError)
        let badMedia = try stockroom(["import-inventree", Self.demo2024, "--media", "/nonexistent/media"])
        XCTAssertEqual(badMedia.exitStatus, .exited(1))
        XCTAssertTrue(badMedia.standardError.contains("/nonexistent/media is not a directory"), badMedia.standardError)
    }
}
