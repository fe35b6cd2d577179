import Daemon
@testable import Tasks
import XCTest

final class TaskWorkerSettingsTests: XCTestCase {
    func testQuickTasksAreClaimedFurtherAheadAndSlowOnesNot() {
        var settings = TaskWorkerSettings()
        settings.threads = 4
        settings.prefetch = 8
        settings.claimBatch = 64
        settings.prefetchHorizon = .milliseconds(100)
        XCTAssertEqual(settings.prefetch(averageRunNanoseconds: nil), 8, "nothing ran yet: the configured prefetch")
        // 20 ms tasks: 4 threads run 20 of them in 100 ms.
        XCTAssertEqual(settings.prefetch(averageRunNanoseconds: 20_000_000), 20)
        // One-second tasks: never less than configured.
        XCTAssertEqual(settings.prefetch(averageRunNanoseconds: 1_000_000_000), 8)
        // No-op tasks: two claim batches at most, even for a run time of zero.
        XCTAssertEqual(settings.prefetch(averageRunNanoseconds: 5_000), 128)
        XCTAssertEqual(settings.prefetch(averageRunNanoseconds: 0), 128)
    }

    func testTheConfiguredPrefetchDefaultsToTwiceTheThreads() throws {
        let settings = try TaskWorkerSettings(Configuration(values: ["worker_threads": "6"]))
        XCTAssertEqual(settings.prefetch, 12)
        XCTAssertEqual(settings.prefetch(averageRunNanoseconds: 50_000_000), 12)
    }
}
