import XCTest
@testable import HTTP

final class HTTPConnectionStateMachineTests: XCTestCase {
    func testKeepAliveRequestCycle() {
        var machine = HTTPConnectionStateMachine()
        XCTAssertEqual(machine.timer, .header)
        XCTAssertEqual(machine.bytesReceived(), .parse)
        XCTAssertEqual(machine.headReceived(keepAlive: true, expectsContinue: false), .readBody(sendContinue: false))
        XCTAssertEqual(machine.timer, .bodyStall)
        XCTAssertEqual(machine.requestComplete(), .runHandler)
        XCTAssertNil(machine.timer)
        XCTAssertEqual(machine.responseReady(), .writeResponse(closeAfter: false))
        XCTAssertEqual(machine.writeFinished(), .parse)
        XCTAssertEqual(machine.state, .awaitingRequest(firstRequest: false))
        XCTAssertEqual(machine.timer, .idle)
    }

    func testConnectionCloseRequestClosesAfterResponse() {
        var machine = HTTPConnectionStateMachine()
        _ = machine.bytesReceived()
        _ = machine.headReceived(keepAlive: false, expectsContinue: false)
        _ = machine.requestComplete()
        XCTAssertEqual(machine.responseReady(), .writeResponse(closeAfter: true))
        XCTAssertEqual(machine.writeFinished(), .close)
        XCTAssertEqual(machine.state, .closed)
    }

    func testExpectContinueAsksForInterimResponse() {
        var machine = HTTPConnectionStateMachine()
        XCTAssertEqual(machine.headReceived(keepAlive: true, expectsContinue: true), .readBody(sendContinue: true))
    }

    func testParseErrorWritesStatusThenCloses() {
        var machine = HTTPConnectionStateMachine()
        _ = machine.bytesReceived()
        XCTAssertEqual(machine.parseFailed(status: 431), .writeError(status: 431))
        XCTAssertEqual(machine.writeFinished(), .close)
    }

    func testHeaderTimeoutClosesASlowClient() {
        var machine = HTTPConnectionStateMachine()
        _ = machine.bytesReceived()
        XCTAssertEqual(machine.timedOut(.header), .close)
        XCTAssertEqual(machine.state, .closed)
    }

    func testIdleTimeoutClosesAnIdleKeepAliveConnection() {
        var machine = HTTPConnectionStateMachine()
        _ = machine.headReceived(keepAlive: true, expectsContinue: false)
        _ = machine.requestComplete()
        _ = machine.responseReady()
        _ = machine.writeFinished()
        XCTAssertEqual(machine.timedOut(.header), .none, "a stale header timer must be ignored")
        XCTAssertEqual(machine.timedOut(.idle), .close)
    }

    func testBodyStallTimerRestartsOnProgressAndFires() {
        var machine = HTTPConnectionStateMachine()
        _ = machine.headReceived(keepAlive: true, expectsContinue: false)
        let generation = machine.timerGeneration
        XCTAssertEqual(machine.bodyReceived(), .none)
        XCTAssertGreaterThan(machine.timerGeneration, generation)
        XCTAssertEqual(machine.timedOut(.bodyStall), .close)
    }

    func testTimeoutsDoNotInterruptAHandler() {
        var machine = HTTPConnectionStateMachine()
        _ = machine.headReceived(keepAlive: true, expectsContinue: false)
        _ = machine.requestComplete()
        for timer in [HTTPConnectionTimer.header, .idle, .bodyStall] {
            XCTAssertEqual(machine.timedOut(timer), .none)
        }
        XCTAssertEqual(machine.responseReady(), .writeResponse(closeAfter: false))
    }

    func testSendStallTimerAppliesWhileWriting() {
        var machine = HTTPConnectionStateMachine()
        _ = machine.headReceived(keepAlive: true, expectsContinue: false)
        _ = machine.requestComplete()
        _ = machine.responseReady()
        XCTAssertEqual(machine.timer, .sendStall)
        let generation = machine.timerGeneration
        machine.writeProgressed()
        XCTAssertGreaterThan(machine.timerGeneration, generation)
        XCTAssertEqual(machine.timedOut(.sendStall), .close)
    }

    func testForcedCloseAfterResponse() {
        var machine = HTTPConnectionStateMachine()
        _ = machine.headReceived(keepAlive: true, expectsContinue: false)
        _ = machine.requestComplete()
        XCTAssertEqual(machine.responseReady(closeConnection: true), .writeResponse(closeAfter: true))
    }

    func testPipelinedBytesWaitForTheResponse() {
        var machine = HTTPConnectionStateMachine()
        _ = machine.headReceived(keepAlive: true, expectsContinue: false)
        _ = machine.requestComplete()
        XCTAssertEqual(machine.bytesReceived(), .none)
        _ = machine.responseReady()
        XCTAssertEqual(machine.bytesReceived(), .none)
        XCTAssertEqual(machine.writeFinished(), .parse, "buffered bytes of the next request are parsed after the write")
        XCTAssertEqual(machine.headReceived(keepAlive: true, expectsContinue: false), .readBody(sendContinue: false))
    }

    func testShutdownClosesIdleConnections() {
        var machine = HTTPConnectionStateMachine()
        XCTAssertEqual(machine.shutdownRequested(), .close)
        var idle = HTTPConnectionStateMachine()
        _ = idle.headReceived(keepAlive: true, expectsContinue: false)
        _ = idle.requestComplete()
        _ = idle.responseReady()
        _ = idle.writeFinished()
        XCTAssertEqual(idle.shutdownRequested(), .close)
    }

    func testShutdownLetsTheRequestInFlightFinishThenCloses() {
        var machine = HTTPConnectionStateMachine()
        _ = machine.headReceived(keepAlive: true, expectsContinue: false)
        _ = machine.requestComplete()
        XCTAssertEqual(machine.shutdownRequested(), .none)
        XCTAssertEqual(machine.responseReady(), .writeResponse(closeAfter: true))
        XCTAssertEqual(machine.writeFinished(), .close)
    }

    func testShutdownWhileReadingBodyClosesAfterThatResponse() {
        var machine = HTTPConnectionStateMachine()
        _ = machine.headReceived(keepAlive: true, expectsContinue: false)
        XCTAssertEqual(machine.shutdownRequested(), .none)
        _ = machine.requestComplete()
        XCTAssertEqual(machine.responseReady(), .writeResponse(closeAfter: true))
    }

    func testPeerCloseWhileIdleClosesAndWhileHandlingWaits() {
        var idle = HTTPConnectionStateMachine()
        XCTAssertEqual(idle.peerClosedConnection(), .close)
        var busy = HTTPConnectionStateMachine()
        _ = busy.headReceived(keepAlive: true, expectsContinue: false)
        _ = busy.requestComplete()
        XCTAssertEqual(busy.peerClosedConnection(), .none)
        XCTAssertEqual(busy.responseReady(), .writeResponse(closeAfter: true))
        XCTAssertEqual(busy.writeFinished(), .close)
    }

    func testEventsOutOfOrderClose() {
        var machine = HTTPConnectionStateMachine()
        XCTAssertEqual(machine.responseReady(), .close)
        XCTAssertEqual(machine.state, .closed)
    }
}
