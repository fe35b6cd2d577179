import CPostgres
import Glibc

/// One libpq connection. Not thread-safe: use it from one thread at a time (a pool hands it to one
/// borrower at a time).
///
/// Statements take their values only as parameters (`$1`, `$2`, ...). A statement text is prepared on the
/// server the second time it runs on a connection and from then on executed by name, so repeated
/// `query(sql, parameters)` calls skip parsing and planning; `PreparedStatement` asks for preparation on
/// first use.
public final class PostgresConnection: @unchecked Sendable {
    let handle: OpaquePointer
    private let logger: ((String) -> Void)?
    private var statements = PreparedStatementCache()
    private var encoder = PostgresParameterEncoder()
    var listenState = ListenStateMachine()
    /// True while `transaction` runs its body.
    public internal(set) var isInTransaction = false
    /// True once a connection-level failure made this connection unusable (until `reconnect`).
    public private(set) var isBroken = false
    /// When the connection was last given back to a pool (monotonic seconds).
    var idleSince = 0.0

    /// Connects with a libpq URL (`postgresql://user@/db?host=/run/postgresql`) or a conninfo string
    /// (`host=/run/postgresql dbname=stockroom`). `logger` receives the server's notices.
    public init(_ conninfo: String, logger: ((String) -> Void)? = nil) throws {
        guard let handle = PQconnectdb(conninfo) else {
            throw PostgresError(.connection, "could not allocate a libpq connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Self.errorMessage(handle)
            PQfinish(handle)
            throw PostgresError(.connection, "could not connect to PostgreSQL: \(message)")
        }
        self.handle = handle
        self.logger = logger
        PQsetNoticeReceiver(handle, { argument, result in
            guard let argument, let result else { return }
            let connection = Unmanaged<PostgresConnection>.fromOpaque(argument).takeUnretainedValue()
            connection.receiveNotice(result)
        }, Unmanaged.passUnretained(self).toOpaque())
        // On failure deinit runs (every property is set) and finishes the handle.
        try configureSession()
    }

    deinit { PQfinish(handle) }

    /// The server process serving this connection (its pid in pg_stat_activity).
    public var serverProcessID: Int32 { PQbackendPID(handle) }

    /// Runs `sql` with `parameters` and returns its rows.
    public func query(_ sql: String, _ parameters: [PostgresValue?] = []) throws -> PostgresResult {
        try run(sql, parameters, prepareNow: false)
    }

    /// Runs a statement that returns no rows and returns the number of rows it affected.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [PostgresValue?] = []) throws -> Int {
        try run(sql, parameters, prepareNow: false).affectedRows
    }

    /// Runs `statement`, preparing it on this connection on its first use.
    public func query(_ statement: PreparedStatement, _ parameters: [PostgresValue?] = []) throws -> PostgresResult {
        try run(statement.sql, parameters, prepareNow: true)
    }

    /// Runs `statement` (no rows) and returns the number of rows it affected.
    @discardableResult
    public func execute(_ statement: PreparedStatement, _ parameters: [PostgresValue?] = []) throws -> Int {
        try run(statement.sql, parameters, prepareNow: true).affectedRows
    }

    /// Runs SQL text without parameters through the simple query protocol: it may hold several
    /// statements separated by semicolons (migrations). Returns the last statement's result.
    @discardableResult
    public func runScript(_ sql: String) throws -> PostgresResult {
        try checkUsable()
        return try finish(PQexec(handle, sql), statement: sql)
    }

    /// `name` quoted as an SQL identifier (for names that cannot be parameters, like LISTEN channels).
    public func escapeIdentifier(_ name: String) throws -> String {
        var name = name
        let quoted: UnsafeMutablePointer<CChar>? = name.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { PQescapeIdentifier(handle, $0.baseAddress, $0.count) }
        }
        guard let quoted else {
            throw PostgresError(.usage, "cannot quote identifier '\(name)': \(Self.errorMessage(handle))")
        }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }

    /// Closes the session and opens a new one with the same parameters; prepared statements are
    /// forgotten and LISTEN channels are listened to again.
    public func reconnect() throws {
        PQreset(handle)
        guard PQstatus(handle) == CONNECTION_OK else {
            isBroken = true
            throw PostgresError(.connection, "could not reconnect to PostgreSQL: \(Self.errorMessage(handle))")
        }
        isBroken = false
        isInTransaction = false
        statements.reset()
        try configureSession()
        try relistenAfterReconnect()
    }

    /// Cheap liveness check of an idle connection: no I/O unless the server sent something (a
    /// terminated session makes the socket readable), then reads it without blocking.
    public func isAliveWhileIdle() -> Bool {
        if isBroken || PQstatus(handle) != CONNECTION_OK { return false }
        let socket = PQsocket(handle)
        guard socket >= 0 else { return false }
        // Two rounds: the first read may take the server's FATAL message, the second sees the close.
        for _ in 0..<2 {
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 0)
            if ready == 0 { break }
            if ready < 0 { return errno == EINTR }
            if PQconsumeInput(handle) == 0 || PQstatus(handle) != CONNECTION_OK {
                isBroken = true
                return false
            }
            // Parsing hands a FATAL message ("terminating connection ...") to the notice receiver,
            // which marks the connection broken even before the server's close arrives.
            _ = PQisBusy(handle)
            if isBroken { return false }
        }
        return PQstatus(handle) == CONNECTION_OK
    }

    func markBroken() { isBroken = true }

    /// A notice, or an error the server sent outside any statement: a FATAL one means the server is
    /// closing this session.
    private func receiveNotice(_ result: OpaquePointer) {
        if let severity = PQresultErrorField(result, Int32(UInt8(ascii: "V"))) {
            let text = String(cString: severity)
            if text == "FATAL" || text == "PANIC" { isBroken = true }
        }
        if let logger, let message = PQresultErrorMessage(result) {
            logger(Self.trimmed(String(cString: message)))
        }
    }

    /// Whether the session is outside any transaction block.
    public var isIdleOutsideTransaction: Bool { PQtransactionStatus(handle) == PQTRANS_IDLE }

    // MARK: - Running statements

    private func run(_ sql: String, _ parameters: [PostgresValue?], prepareNow: Bool) throws -> PostgresResult {
        try checkUsable()
        encoder.reset()
        for parameter in parameters {
            if let parameter { parameter.encode(into: &encoder) } else { encoder.appendNull() }
        }
        let wasIdle = isIdleOutsideTransaction
        let plan = statements.plan(for: sql, types: encoder.types, isNull: { encoder.isNull($0) }, prepareNow: prepareNow)
        switch plan {
        case .unprepared:
            return try executeUnprepared(sql)
        case .prepare(let name):
            let types = encoder.types
            let prepared = types.withUnsafeBufferPointer { types in
                PQprepare(handle, name, sql, Int32(types.count), types.baseAddress)
            }
            _ = try finish(prepared, statement: sql)
            statements.didPrepare(sql, name: name, types: types)
            return try executePrepared(name, sql, retryUnprepared: wasIdle)
        case .execute(let name):
            return try executePrepared(name, sql, retryUnprepared: wasIdle)
        }
    }

    private func executeUnprepared(_ sql: String) throws -> PostgresResult {
        let count = Int32(encoder.count)
        let result = encoder.withParameterArrays { values, lengths, formats, types in
            PQexecParams(handle, sql, count, types, values, lengths, formats, 0)
        }
        return try finish(result, statement: sql)
    }

    private func executePrepared(_ name: String, _ sql: String, retryUnprepared: Bool) throws -> PostgresResult {
        let count = Int32(encoder.count)
        let result = encoder.withParameterArrays { values, lengths, formats, _ in
            PQexecPrepared(handle, name, count, values, lengths, formats, 0)
        }
        do {
            return try finish(result, statement: sql)
        } catch let error as PostgresError where Self.invalidatesPreparedStatement(error) {
            // A schema change altered the statement's result type, or the statement was deallocated
            // behind our back: nothing ran, so outside a transaction it is safe to run it afresh.
            statements.forget(sql, name: name)
            guard retryUnprepared else { throw error }
            if error.sqlState != "26000" { _ = PQexec(handle, "DEALLOCATE \(name)").map { PQclear($0) } }
            return try executeUnprepared(sql)
        }
    }

    private static func invalidatesPreparedStatement(_ error: PostgresError) -> Bool {
        error.sqlState == "26000" || (error.sqlState == "0A000" && error.message.contains("cached plan"))
    }

    /// Turns a libpq result into a `PostgresResult` or the error it carries.
    private func finish(_ result: OpaquePointer?, statement: String) throws -> PostgresResult {
        guard let result else { throw failure(nil, statement: statement) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return PostgresResult(handle: result, statement: statement)
        default:
            let error = failure(result, statement: statement)
            PQclear(result)
            throw error
        }
    }

    private func failure(_ result: OpaquePointer?, statement: String) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let result, let value = PQresultErrorField(result, Int32(code.asciiValue ?? 0)) else { return nil }
            return String(cString: value)
        }
        let sqlState = field("C")
        let connectionLost = PQstatus(handle) != CONNECTION_OK
            || sqlState.map { $0.hasPrefix("08") || $0 == "57P01" || $0 == "57P02" || $0 == "57P03" } ?? false
        if connectionLost { isBroken = true }
        let message: String
        if connectionLost {
            message = "connection to PostgreSQL lost: " + Self.errorMessage(handle)
        } else {
            message = field("M") ?? Self.errorMessage(handle)
        }
        var error = PostgresError(connectionLost ? .connection : .server, message, sqlState: sqlState, statement: statement)
        error.detail = field("D")
        error.hint = field("H")
        return error
    }

    private func checkUsable() throws {
        if isBroken || PQstatus(handle) != CONNECTION_OK {
            isBroken = true
            throw PostgresError(.connection, "the connection to PostgreSQL is broken: \(Self.errorMessage(handle))")
        }
    }

    /// Settings the decoders rely on: UTF-8 text and ISO dates.
    private func configureSession() throws {
        if PQsetClientEncoding(handle, "UTF8") != 0 {
            throw PostgresError(.connection, "cannot set client encoding UTF8: \(Self.errorMessage(handle))")
        }
        let dateStyle = PQparameterStatus(handle, "DateStyle").map { String(cString: $0) } ?? ""
        if !dateStyle.hasPrefix("ISO") { try runScript("SET DateStyle TO ISO") }
    }

    static func errorMessage(_ handle: OpaquePointer) -> String {
        guard let message = PQerrorMessage(handle) else { return "unknown libpq error" }
        let text = trimmed(String(cString: message))
        return text.isEmpty ? "unknown libpq error" : text
    }

    static func trimmed(_ text: String) -> String {
        var text = Substring(text)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}

/// A statement text that is prepared on a connection on its first use there and executed by name after.
/// It is not tied to a connection, so a `static let` works with every pooled connection.
public struct PreparedStatement: Hashable, Sendable {
    /// The SQL text, with `$1`, `$2`, ... for parameters.
    public let sql: String
    /// Wraps `sql`.
    public init(_ sql: String) { self.sql = sql }
}
